// packet_socket: the speaker's layer-2 socket. An AF_PACKET SOCK_RAW socket bound to one interface,
// with a classic BPF filter so the kernel hands us only ARP and IPv6 Neighbor Solicitations and
// Advertisements. Reading is non-blocking on the event loop (uv_poll, never the thread pool): on
// readability we drain with recvfrom and hand JS the frames in batches. No protocol parsing here;
// speaker/src/l2/packetSocket.ts is the typed face of this file.
//
// JS API (N-API 8): new PacketSocket(ifname, onFrames(frames: Buffer[]), onError(err: Error))
//   .mac (Buffer, 6 bytes)  .ifindex (number)
//   .send(frame)  .addMembership(mac)  .dropMembership(mac)  .close()
// Errors are Errors with code = the errno name: "open eth9: ENODEV (No such device)".
#define _GNU_SOURCE  // strerrorname_np
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <node_api.h>
#include <uv.h>
#include "napi_errno.h"

#define RECV_BUF_SIZE 65536
#define FRAMES_PER_CALL 64      // frames per crossing into JS
#define FRAMES_PER_WAKEUP 1024  // then yield to the loop; uv_poll is level-triggered and comes back
#define NOT_ETHERNET (-1)       // open_socket's answer for a non-Ethernet interface (lo, tun)

typedef struct {
  napi_env env;
  int fd;  // -1 once closed
  int ifindex;
  char ifname[IFNAMSIZ];
  unsigned char mac[6];
  uv_poll_t *poll;  // freed by its close callback, which may run after this struct is gone
  napi_ref self;    // strong while open: an open socket is never collected
  napi_ref on_frames;
  napi_ref on_error;
  napi_async_context async;
  int in_callback;  // close() from a callback leaves the async context to on_readable to destroy
  unsigned char *buf;
} psock;

// ARP, or IPv6 + next header ICMPv6 + type 135/136. No extension headers: NDP never carries them.
static struct sock_filter ndp_arp_filter[] = {
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),              // 0: ethertype
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0806, 6, 0),  // 1: ARP -> accept
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 0, 6),  // 2: not IPv6 -> drop
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),          // 3: IPv6 next header
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 4),      // 4: not ICMPv6 -> drop
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),         // 5: ICMPv6 type
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 1, 0),     // 6: NS -> accept
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),     // 7: NA -> accept, else drop
    BPF_STMT(BPF_RET | BPF_K, 0x40000),                  // 8: accept (whole frame)
    BPF_STMT(BPF_RET | BPF_K, 0),                        // 9: drop
};

static void throw_errno(napi_env env, const char *op, const char *ifname, int err) {
  napi_throw(env, errno_error(env, op, ifname, err));
}

static void free_poll(uv_handle_t *h) { free(h); }

// Stops reading and releases everything but the struct itself. Safe to call twice; never calls JS.
static void shutdown_socket(psock *s) {
  if (s->fd < 0) return;
  if (s->poll) {
    uv_poll_stop(s->poll);
    s->poll->data = NULL;
    uv_close((uv_handle_t *)s->poll, free_poll);
    s->poll = NULL;
  }
  close(s->fd);
  s->fd = -1;
  if (s->async && !s->in_callback) {
    napi_async_destroy(s->env, s->async);
    s->async = NULL;
  }
  napi_ref *refs[] = {&s->self, &s->on_frames, &s->on_error};
  for (size_t i = 0; i < 3; i++) {
    if (*refs[i]) napi_delete_reference(s->env, *refs[i]);
    *refs[i] = NULL;
  }
}

// Calls fn(arg); an exception it throws becomes an uncaught exception, as in any other callback.
static void call_js(psock *s, napi_value self, napi_ref fn_ref, napi_value arg) {
  napi_value fn, result;
  if (!fn_ref || napi_get_reference_value(s->env, fn_ref, &fn) != napi_ok) return;
  if (napi_make_callback(s->env, s->async, self, fn, 1, &arg, &result) == napi_pending_exception) {
    napi_value e;
    napi_get_and_clear_last_exception(s->env, &e);
    napi_fatal_exception(s->env, e);
  }
}

static void on_readable(uv_poll_t *h, int status, int events) {
  psock *s = h->data;
  if (!s || s->fd < 0) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value self;  // held in this scope: close() from a callback cannot free s under us
  napi_get_reference_value(env, s->self, &self);
  size_t total = 0;
  int more = 1;
  s->in_callback = 1;
  if (status < 0) {
    // libuv reports POLLERR as UV_EBADF and stops the handle. For a packet socket that is a pending socket error
    // (ENETDOWN when the link goes down): fetch and clear it, report it, and keep reading.
    int err = 0;
    socklen_t errlen = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0) err = errno;
    int restart = err != EBADF && uv_poll_start(s->poll, UV_READABLE, on_readable) == 0;
    call_js(s, self, s->on_error, errno_error(env, restart ? "recv" : "poll", s->ifname, err ? err : -status));
    more = restart;
  }
  while (more && s->fd >= 0 && total < FRAMES_PER_WAKEUP) {
    napi_value batch;
    napi_create_array(env, &batch);
    uint32_t n = 0;
    while (n < FRAMES_PER_CALL && total < FRAMES_PER_WAKEUP) {
      struct sockaddr_ll from;
      socklen_t fromlen = sizeof from;
      ssize_t len = recvfrom(s->fd, s->buf, RECV_BUF_SIZE, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
      if (len < 0) {
        if (errno == EINTR) continue;
        more = 0;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // Deliver what we have first, then the error (e.g. ENETDOWN when the link goes down).
          int err = errno;
          if (n > 0) call_js(s, self, s->on_frames, batch);
          n = 0;
          if (s->fd >= 0) call_js(s, self, s->on_error, errno_error(env, "recv", s->ifname, err));
        }
        break;
      }
      total++;
      if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own sends
      napi_value frame;
      napi_create_buffer_copy(env, len > RECV_BUF_SIZE ? RECV_BUF_SIZE : (size_t)len, s->buf, NULL, &frame);
      napi_set_element(env, batch, n++, frame);
    }
    if (n > 0 && s->fd >= 0) call_js(s, self, s->on_frames, batch);
  }
  s->in_callback = 0;
  if (s->fd < 0 && s->async) {
    napi_async_destroy(env, s->async);
    s->async = NULL;
  }
  napi_close_handle_scope(env, scope);
}

static psock *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  psock *s = NULL;
  napi_get_cb_info(env, info, argc, argv, &self, NULL);
  if (napi_unwrap(env, self, (void **)&s) != napi_ok || !s) {
    napi_throw_type_error(env, NULL, "not a PacketSocket");
    return NULL;
  }
  return s;
}

// Reads a Buffer argument; exact > 0 demands that length, else at least -exact bytes.
static int get_bytes(napi_env env, napi_value v, const char *what, int exact, void **data, size_t *len) {
  bool is_buf = false;
  napi_is_buffer(env, v, &is_buf);
  if (is_buf) napi_get_buffer_info(env, v, data, len);
  if (!is_buf || (exact > 0 && *len != (size_t)exact) || (exact < 0 && *len < (size_t)-exact)) {
    char msg[80];
    snprintf(msg, sizeof msg, "%s must be a Buffer of %s%d bytes", what, exact > 0 ? "" : "at least ",
             exact > 0 ? exact : -exact);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  psock *s = unwrap(env, info, &argc, argv);
  void *data;
  size_t len;
  if (!s || !get_bytes(env, argv[0], "frame", -ETH_HLEN, &data, &len)) return NULL;
  if (s->fd < 0) {
    throw_errno(env, "send", s->ifname, EBADF);
    return NULL;
  }
  struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = s->ifindex, .sll_halen = ETH_ALEN};
  memcpy(to.sll_addr, data, ETH_ALEN);
  memcpy(&to.sll_protocol, (unsigned char *)data + 12, 2);
  ssize_t r;
  do r = sendto(s->fd, data, len, 0, (struct sockaddr *)&to, sizeof to);
  while (r < 0 && errno == EINTR);
  if (r < 0) throw_errno(env, "send", s->ifname, errno);
  return NULL;
}

static napi_value membership(napi_env env, napi_callback_info info, int opt, const char *op) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  psock *s = unwrap(env, info, &argc, argv);
  void *data;
  size_t len;
  if (!s || !get_bytes(env, argv[0], "mac", ETH_ALEN, &data, &len)) return NULL;
  if (s->fd < 0) {
    throw_errno(env, op, s->ifname, EBADF);
    return NULL;
  }
  struct packet_mreq mr = {.mr_ifindex = s->ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = ETH_ALEN};
  memcpy(mr.mr_address, data, ETH_ALEN);
  if (setsockopt(s->fd, SOL_PACKET, opt, &mr, sizeof mr) < 0) throw_errno(env, op, s->ifname, errno);
  return NULL;
}

static napi_value js_add_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_ADD_MEMBERSHIP, "addMembership");
}

static napi_value js_drop_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_DROP_MEMBERSHIP, "dropMembership");
}

// Replaces the socket's filter with a classic BPF program (struct sock_filter[], 8 bytes each, host order), as the
// speaker narrows it to the addresses it announces. The kernel swaps programs atomically.
static napi_value js_set_filter(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  psock *s = unwrap(env, info, &argc, argv);
  void *data;
  size_t len;
  if (!s || !get_bytes(env, argv[0], "program", -(int)sizeof(struct sock_filter), &data, &len)) return NULL;
  if (len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    napi_throw_range_error(env, NULL, "program must be 1 to 4096 instructions of 8 bytes");
    return NULL;
  }
  if (s->fd < 0) {
    throw_errno(env, "setFilter", s->ifname, EBADF);
    return NULL;
  }
  struct sock_fprog prog = {.len = (unsigned short)(len / sizeof(struct sock_filter)), .filter = data};
  if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) throw_errno(env, "setFilter", s->ifname, errno);
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  psock *s = unwrap(env, info, &argc, NULL);
  if (s) shutdown_socket(s);
  return NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  psock *s = data;
  shutdown_socket(s);  // only reached open at environment teardown
  free(s->buf);
  free(s);
}

// Opens and configures the socket; returns 0 or an errno, with *op naming the step that failed.
static int open_socket(psock *s, const char **op) {
  *op = "open";
  // Protocol 0: the socket receives nothing until bind(), so no unfiltered frame is ever queued.
  s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) return errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, s->ifname, sizeof s->ifname);
  if (ioctl(s->fd, SIOCGIFINDEX, &ifr) < 0) return errno;
  s->ifindex = ifr.ifr_ifindex;
  if (ioctl(s->fd, SIOCGIFHWADDR, &ifr) < 0) return errno;
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) return NOT_ETHERNET;
  memcpy(s->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
  *op = "filter";
  struct sock_fprog prog = {.len = sizeof ndp_arp_filter / sizeof ndp_arp_filter[0], .filter = ndp_arp_filter};
  if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) return errno;
#ifdef PACKET_IGNORE_OUTGOING
  int one = 1;  // Linux >= 4.20: the kernel skips our own sends; the pkttype check below stays for older ones
  setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
  *op = "bind";
  struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = s->ifindex};
  if (bind(s->fd, (struct sockaddr *)&sll, sizeof sll) < 0) return errno;
  return 0;
}

static napi_value js_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {NULL, NULL, NULL}, self, new_target = NULL;
  napi_get_cb_info(env, info, &argc, argv, &self, NULL);
  napi_get_new_target(env, info, &new_target);
  napi_valuetype t0, t1, t2;
  napi_typeof(env, argv[0], &t0);
  napi_typeof(env, argv[1], &t1);
  napi_typeof(env, argv[2], &t2);
  if (!new_target || t0 != napi_string || t1 != napi_function || t2 != napi_function) {
    napi_throw_type_error(env, NULL, "new PacketSocket(ifname: string, onFrames: function, onError: function)");
    return NULL;
  }
  psock *s = calloc(1, sizeof *s);
  size_t n = 0;
  napi_get_value_string_utf8(env, argv[0], s->ifname, sizeof s->ifname, &n);
  size_t full = 0;
  napi_get_value_string_utf8(env, argv[0], NULL, 0, &full);
  if (n == 0 || full != n) {
    free(s);
    napi_throw_range_error(env, NULL, "ifname must have 1 to 15 bytes");
    return NULL;
  }
  s->env = env;
  const char *op;
  int err = open_socket(s, &op);
  if (err == NOT_ETHERNET) {
    char msg[80];
    snprintf(msg, sizeof msg, "open %s: not an Ethernet interface", s->ifname);
    napi_throw_error(env, "ENOTETHER", msg);
  } else if (err) {
    throw_errno(env, op, s->ifname, err);
  }
  if (err) {
    if (s->fd >= 0) close(s->fd);
    free(s);
    return NULL;
  }
  uv_loop_t *loop;
  s->buf = malloc(RECV_BUF_SIZE);
  s->poll = calloc(1, sizeof *s->poll);
  napi_get_uv_event_loop(env, &loop);
  err = uv_poll_init(loop, s->poll, s->fd);
  if (err == 0 && (err = uv_poll_start(s->poll, UV_READABLE, on_readable)) != 0) {
    uv_close((uv_handle_t *)s->poll, free_poll);  // initialised: libuv owns it until closed
    s->poll = NULL;
  }
  if (err) {
    close(s->fd);
    free(s->poll);
    free(s->buf);
    throw_errno(env, "poll", s->ifname, -err);
    free(s);
    return NULL;
  }
  s->poll->data = s;
  napi_value name, mac, ifindex;
  napi_create_string_utf8(env, "ironlb:PacketSocket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &s->async);
  napi_create_reference(env, self, 1, &s->self);
  napi_create_reference(env, argv[1], 1, &s->on_frames);
  napi_create_reference(env, argv[2], 1, &s->on_error);
  napi_wrap(env, self, s, finalize, NULL, NULL);
  napi_create_buffer_copy(env, ETH_ALEN, s->mac, NULL, &mac);
  napi_create_int32(env, s->ifindex, &ifindex);
  napi_property_descriptor props[] = {
      {"mac", NULL, NULL, NULL, NULL, mac, napi_enumerable, NULL},
      {"ifindex", NULL, NULL, NULL, NULL, ifindex, napi_enumerable, NULL},
  };
  napi_define_properties(env, self, 2, props);
  return self;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"addMembership", NULL, js_add_membership, NULL, NULL, NULL, napi_default, NULL},
      {"dropMembership", NULL, js_drop_membership, NULL, NULL, NULL, napi_default, NULL},
      {"setFilter", NULL, js_set_filter, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls;
  napi_define_class(env, "PacketSocket", NAPI_AUTO_LENGTH, js_new, NULL, 5, methods, &cls);
  napi_set_named_property(env, exports, "PacketSocket", cls);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
