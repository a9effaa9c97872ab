/**
 * The kernel's numbers the IPVS backend speaks, each from the uapi header named beside it (linux/netlink.h,
 * linux/genetlink.h, linux/ip_vs.h, linux/socket.h, linux/in.h). Values only; what they mean for our messages is
 * said where they are used (netlink.ts, messages.ts).
 */

// linux/netlink.h: struct nlmsghdr { __u32 nlmsg_len; __u16 nlmsg_type; __u16 nlmsg_flags; __u32 nlmsg_seq;
// __u32 nlmsg_pid; } (16 bytes), struct nlattr { __u16 nla_len; __u16 nla_type; } (4 bytes), 4-byte alignment.
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const NLA_ALIGNTO = 4;
export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
/** NLM_F_ROOT | NLM_F_MATCH */
export const NLM_F_DUMP = 0x300;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const NLA_F_NESTED = 1 << 15;
export const NLA_F_NET_BYTEORDER = 1 << 14;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
/** linux/netlink.h NETLINK_GENERIC, the socket protocol. */
export const NETLINK_GENERIC = 16;

// linux/genetlink.h: struct genlmsghdr { __u8 cmd; __u8 version; __u16 reserved; } (4 bytes).
export const GENL_HDRLEN = 4;
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
/** What libnl and moby/ipvs put in the genlmsghdr of a CTRL_CMD_GETFAMILY; the controller does not check it. */
export const CTRL_REQUEST_VERSION = 1;

// linux/ip_vs.h, "IPVS Generic Netlink interface definitions".
export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 0x1;

export const IPVS_CMD_NEW_SERVICE = 1;
export const IPVS_CMD_SET_SERVICE = 2;
export const IPVS_CMD_DEL_SERVICE = 3;
export const IPVS_CMD_GET_SERVICE = 4;
export const IPVS_CMD_NEW_DEST = 5;
export const IPVS_CMD_SET_DEST = 6;
export const IPVS_CMD_DEL_DEST = 7;
export const IPVS_CMD_GET_DEST = 8;
export const IPVS_CMD_FLUSH = 17;

export const IPVS_CMD_ATTR_SERVICE = 1;
export const IPVS_CMD_ATTR_DEST = 2;

export const IPVS_SVC_ATTR_AF = 1;
export const IPVS_SVC_ATTR_PROTOCOL = 2;
export const IPVS_SVC_ATTR_ADDR = 3;
export const IPVS_SVC_ATTR_PORT = 4;
export const IPVS_SVC_ATTR_FWMARK = 5;
export const IPVS_SVC_ATTR_SCHED_NAME = 6;
export const IPVS_SVC_ATTR_FLAGS = 7;
export const IPVS_SVC_ATTR_TIMEOUT = 8;
export const IPVS_SVC_ATTR_NETMASK = 9;

export const IPVS_DEST_ATTR_ADDR = 1;
export const IPVS_DEST_ATTR_PORT = 2;
export const IPVS_DEST_ATTR_FWD_METHOD = 3;
export const IPVS_DEST_ATTR_WEIGHT = 4;
export const IPVS_DEST_ATTR_U_THRESH = 5;
export const IPVS_DEST_ATTR_L_THRESH = 6;
export const IPVS_DEST_ATTR_ADDR_FAMILY = 11;

export const IP_VS_SVC_F_PERSISTENT = 0x0001;
/** Set by the kernel on every service in its table; never ours to send or compare. */
export const IP_VS_SVC_F_HASHED = 0x0002;
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IP_VS_CONN_F_MASQ = 0x0000;
/** The scheduler name's buffer, NUL included (the kernel's policy allows 15 characters). */
export const IP_VS_SCHEDNAME_MAXLEN = 16;

// linux/socket.h address families, linux/in.h protocol numbers.
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

// asm-generic/errno-base.h and errno.h: the kernel's answers the edge words.
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EEXIST = 17;
export const EINVAL = 22;
export const EAFNOSUPPORT = 97;
