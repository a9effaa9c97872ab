// tcp_socket: the BGP session's TCP socket, prepared the way Node's net module cannot: a TCP-MD5 key per peer
// (RFC 2385: it must be on the socket before the SYN goes out or is accepted), the outgoing TTL / hop limit,
// a minimum incoming TTL (GTSM, RFC 5082), a bound device (a VRF) and a source address. Each function does one
// system call on an fd number; speaker/src/bgp/socket/native.ts composes them, closes the fd on failure and hands
// the finished fd to net.Socket / net.Server. The one asynchronous piece is connect: a non-blocking connect whose
// completion is watched with uv_poll on the event loop (never the thread pool), then read from SO_ERROR.
//
// JS API (N-API 8), every fd a number; errors are Errors with code = the errno name and errno = the number:
//   socket(family 4|6) -> fd                 (non-blocking, close-on-exec)
//   setMd5(fd, peerAddress, key | null)      (null or empty: remove the key; removing an absent key is no error)
//   setTtl(fd, family, ttl)  setMinTtl(fd, family, ttl)  bindToDevice(fd, ifname)
//   setReuseAddr(fd)  setV6Only(fd)  bind(fd, address, port)  listen(fd, backlog)  close(fd)
//   connect(fd, address, port, scopeId, done(err | null)) -> handle;  cancelConnect(handle)
//   getInt(fd, level, option) -> number      (tests read back what was set)
// A key is never part of an error message: the messages name the operation and the peer address alone.
#define _GNU_SOURCE  // strerrorname_np
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>
#include "napi_errno.h"

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73  // linux/in6.h; older libc headers lack it
#endif


// Throws errno_error(...); returns NULL for the caller to return.
static napi_value throw_errno(napi_env env, const char *op, const char *what, int err) {
  napi_throw(env, errno_error(env, op, what, err));
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value int_value(napi_env env, int v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

// Reads argument i as an int32; 0 on success.
static int arg_int(napi_env env, napi_value v, int *out) { return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -1; }

// Reads argument v as a string into buf (NUL-terminated); 0 on success.
static int arg_str(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return -1;
  return len + 1 < size ? 0 : -1;  // a string that filled the buffer was truncated
}

// Parses an IPv4 or IPv6 literal into ss; its length, or 0 when it is neither.
static socklen_t parse_addr(const char *text, int port, uint32_t scope, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return sizeof *a4;
  }
  if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    a6->sin6_scope_id = scope;
    return sizeof *a6;
  }
  return 0;
}

#define GET_ARGS(n)                                       \
  size_t argc = n;                                        \
  napi_value argv[n];                                     \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);   \
  if (argc < n) return throw_type(env, "missing arguments")

static napi_value js_socket(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  int family;
  if (arg_int(env, argv[0], &family) || (family != 4 && family != 6)) return throw_type(env, "family must be 4 or 6");
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return throw_errno(env, "socket", "", errno);
  return int_value(env, fd);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  int fd;
  if (arg_int(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  close(fd);
  return undefined(env);
}

static napi_value set_int(napi_env env, int fd, int level, int opt, int value, const char *op) {
  if (setsockopt(fd, level, opt, &value, sizeof value) < 0) return throw_errno(env, op, "", errno);
  return undefined(env);
}

// The peer's key, or its removal. The address's family picks the sockaddr; an IPv4 peer on an IPv6 socket is not
// supported (native.ts opens a socket of the peer's family).
static napi_value js_set_md5(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd;
  char addr[INET6_ADDRSTRLEN + 1];
  if (arg_int(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  if (arg_str(env, argv[1], addr, sizeof addr)) return throw_type(env, "address must be an IP address");
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  if (!parse_addr(addr, 0, 0, &sig.tcpm_addr)) return throw_type(env, "address must be an IP address");
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_null && t != napi_undefined) {
    void *data;
    size_t len;
    if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) return throw_type(env, "key must be a Buffer");
    if (len > TCP_MD5SIG_MAXKEYLEN) return throw_type(env, "key is longer than 80 bytes");
    memcpy(sig.tcpm_key, data, len);
    sig.tcpm_keylen = (uint16_t)len;
  }
  int rc = setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig);
  int err = errno;
  memset(sig.tcpm_key, 0, sizeof sig.tcpm_key);  // no copy of the key outlives the call on our stack
  if (rc < 0 && !(err == ENOENT && sig.tcpm_keylen == 0)) return throw_errno(env, "set TCP-MD5 key for", addr, err);
  return undefined(env);
}

static napi_value js_set_ttl(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd, family, ttl;
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[1], &family) || arg_int(env, argv[2], &ttl))
    return throw_type(env, "fd, family and ttl must be numbers");
  if (family == 4) return set_int(env, fd, IPPROTO_IP, IP_TTL, ttl, "set IP_TTL");
  return set_int(env, fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "set IPV6_UNICAST_HOPS");
}

static napi_value js_set_min_ttl(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd, family, ttl;
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[1], &family) || arg_int(env, argv[2], &ttl))
    return throw_type(env, "fd, family and ttl must be numbers");
  if (family == 4) return set_int(env, fd, IPPROTO_IP, IP_MINTTL, ttl, "set IP_MINTTL");
  return set_int(env, fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, ttl, "set IPV6_MINHOPCOUNT");
}

static napi_value js_bind_to_device(napi_env env, napi_callback_info info) {
  GET_ARGS(2);
  int fd;
  char name[IFNAMSIZ];
  if (arg_int(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  if (arg_str(env, argv[1], name, sizeof name)) return throw_type(env, "device must be an interface name");
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)strlen(name) + 1) < 0)
    return throw_errno(env, "bind to device", name, errno);
  return undefined(env);
}

static napi_value js_set_reuse_addr(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  int fd;
  if (arg_int(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  return set_int(env, fd, SOL_SOCKET, SO_REUSEADDR, 1, "set SO_REUSEADDR");
}

static napi_value js_set_v6_only(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  int fd;
  if (arg_int(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  return set_int(env, fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY");
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd, port;
  char addr[INET6_ADDRSTRLEN + 1];
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[2], &port)) return throw_type(env, "fd and port must be numbers");
  if (arg_str(env, argv[1], addr, sizeof addr)) return throw_type(env, "address must be an IP address");
  struct sockaddr_storage ss;
  socklen_t len = parse_addr(addr, port, 0, &ss);
  if (!len) return throw_type(env, "address must be an IP address");
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    char what[INET6_ADDRSTRLEN + 16];
    snprintf(what, sizeof what, "%s port %d", addr, port);
    return throw_errno(env, "bind", what, errno);
  }
  return undefined(env);
}

static napi_value js_listen(napi_env env, napi_callback_info info) {
  GET_ARGS(2);
  int fd, backlog;
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[1], &backlog)) return throw_type(env, "fd and backlog must be numbers");
  if (listen(fd, backlog) < 0) return throw_errno(env, "listen", "", errno);
  return undefined(env);
}

static napi_value js_get_int(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd, level, opt, value = 0;
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[1], &level) || arg_int(env, argv[2], &opt))
    return throw_type(env, "fd, level and option must be numbers");
  socklen_t len = sizeof value;
  if (getsockopt(fd, level, opt, &value, &len) < 0) return throw_errno(env, "getsockopt", "", errno);
  return int_value(env, value);
}

// A connect in flight: the poll watching the fd for writability, and the JS callback. Two owners free it: the
// poll's close callback and the JS handle's finalizer; whichever comes last frees.
typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref done;
  napi_async_context async;
  int fd;
  char what[INET6_ADDRSTRLEN + 16];  // "<address> port <port>", for the error message
  int owners;
  int closing;
} pending_connect;

static void release(pending_connect *p) {
  if (--p->owners == 0) free(p);
}

static void on_poll_closed(uv_handle_t *h) { release((pending_connect *)h->data); }

// Stops watching (the fd stays open: native.ts owns it) and drops the callback. Safe to call twice.
static void finish(pending_connect *p) {
  if (p->closing) return;
  p->closing = 1;
  uv_close((uv_handle_t *)&p->poll, on_poll_closed);  // stops the poll and frees the fd's slot in the loop at once
  if (p->done) napi_delete_reference(p->env, p->done);
  p->done = NULL;
  if (p->async) napi_async_destroy(p->env, p->async);
  p->async = NULL;
}

static void on_writable(uv_poll_t *h, int status, int events) {
  pending_connect *p = h->data;
  if (p->closing) return;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == 0 && status < 0) err = -status;  // libuv's own error (UV_EBADF for POLLERR) when SO_ERROR is clear
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, self, arg, result;
  napi_get_reference_value(env, p->done, &fn);
  napi_get_global(env, &self);
  if (err) {
    arg = errno_error(env, "connect", p->what, err);
  } else {
    napi_get_null(env, &arg);
  }
  napi_async_context async = p->async;
  p->async = NULL;  // finish() must not destroy the context we are about to call through
  finish(p);
  if (napi_make_callback(env, async, self, fn, 1, &arg, &result) == napi_pending_exception) {
    napi_value e;
    napi_get_and_clear_last_exception(env, &e);
    napi_fatal_exception(env, e);
  }
  napi_async_destroy(env, async);
  napi_close_handle_scope(env, scope);
}

static void finalize_handle(napi_env env, void *data, void *hint) { release(data); }

static napi_value js_connect(napi_env env, napi_callback_info info) {
  GET_ARGS(5);
  int fd, port, scope;
  char addr[INET6_ADDRSTRLEN + 1];
  if (arg_int(env, argv[0], &fd) || arg_int(env, argv[2], &port) || arg_int(env, argv[3], &scope))
    return throw_type(env, "fd, port and scopeId must be numbers");
  if (arg_str(env, argv[1], addr, sizeof addr)) return throw_type(env, "address must be an IP address");
  napi_valuetype t;
  napi_typeof(env, argv[4], &t);
  if (t != napi_function) return throw_type(env, "done must be a function");
  struct sockaddr_storage ss;
  socklen_t len = parse_addr(addr, port, (uint32_t)scope, &ss);
  if (!len) return throw_type(env, "address must be an IP address");
  if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
    char what[INET6_ADDRSTRLEN + 16];
    snprintf(what, sizeof what, "%s port %d", addr, port);
    return throw_errno(env, "connect", what, errno);
  }
  // Connected at once (loopback) or in progress: either way the fd turns writable, and done runs from the loop.
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  pending_connect *p = calloc(1, sizeof *p);
  if (!p) return throw_errno(env, "connect", "", ENOMEM);
  int rc = uv_poll_init_socket(loop, &p->poll, fd);
  if (rc < 0) {
    free(p);
    return throw_errno(env, "connect: watch", "", -rc);
  }
  p->poll.data = p;
  p->env = env;
  p->fd = fd;
  snprintf(p->what, sizeof p->what, "%s port %d", addr, port);
  p->owners = 2;
  napi_create_reference(env, argv[4], 1, &p->done);
  napi_value name;
  napi_create_string_utf8(env, "ironlb.tcpConnect", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &p->async);
  uv_poll_start(&p->poll, UV_WRITABLE, on_writable);
  napi_value handle;
  napi_create_external(env, p, finalize_handle, NULL, &handle);
  return handle;
}

// Stops a connect in flight without calling its callback; the fd stays open (the caller closes it).
static napi_value js_cancel_connect(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  void *data;
  if (napi_get_value_external(env, argv[0], &data) != napi_ok) return throw_type(env, "not a connect handle");
  finish(data);
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"socket", NULL, js_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMd5", NULL, js_set_md5, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setTtl", NULL, js_set_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMinTtl", NULL, js_set_min_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindToDevice", NULL, js_bind_to_device, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setReuseAddr", NULL, js_set_reuse_addr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setV6Only", NULL, js_set_v6_only, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind", NULL, js_bind, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listen", NULL, js_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getInt", NULL, js_get_int, NULL, NULL, NULL, napi_enumerable, NULL},
      {"connect", NULL, js_connect, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cancelConnect", NULL, js_cancel_connect, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
