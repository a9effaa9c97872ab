// udp_ttl: a UDP receiving socket that reports each datagram's TTL (IPv4, IP_RECVTTL) or hop limit (IPv6,
// IPV6_RECVHOPLIMIT), which node:dgram cannot: BFD needs it for GTSM (RFC 5881 5: single-hop packets must arrive
// with TTL 255) and multihop's minimum TTL (RFC 5883). Read non-blocking on the calling thread's event loop
// (uv_poll), so it works in a worker thread. speaker/src/bgp/bfd/ttlSocket.ts is the typed face of this file.
//
// JS API (N-API 8): new UdpTtlSocket(family: 4 | 6, address: string, port: number,
//                                    onMessage(bytes: Buffer, from: string, ttl: number), onError(err: Error))
//   .port (number, the bound port)  .close()
// ttl is -1 when the kernel gave none. Errors are Errors with code = the errno name: "bind 0.0.0.0:3784: EADDRINUSE".
#define _GNU_SOURCE  // strerrorname_np
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>
#include "napi_errno.h"

#define RECV_BUF_SIZE 2048           // BFD control packets are 24..60 bytes; anything longer is cut (and dropped in JS)
#define DATAGRAMS_PER_WAKEUP 256     // then yield to the loop; uv_poll is level-triggered and comes back

typedef struct {
  napi_env env;
  int fd;  // -1 once closed
  int family;
  int port;
  char where[INET6_ADDRSTRLEN + 8];  // "address:port", for error messages
  uv_poll_t *poll;  // freed by its close callback, which may run after this struct is gone
  napi_ref self;    // strong while open
  napi_ref on_message;
  napi_ref on_error;
  napi_async_context async;
  int in_callback;
} usock;


static void free_poll(uv_handle_t *h) { free(h); }

// Stops reading and releases everything but the struct itself. Safe to call twice; never calls JS.
static void shutdown_socket(usock *s) {
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
  napi_ref *refs[] = {&s->self, &s->on_message, &s->on_error};
  for (size_t i = 0; i < 3; i++) {
    if (*refs[i]) napi_delete_reference(s->env, *refs[i]);
    *refs[i] = NULL;
  }
}

static void call_js(usock *s, napi_value self, napi_ref fn_ref, size_t argc, napi_value *argv) {
  napi_value fn, result;
  if (!fn_ref || napi_get_reference_value(s->env, fn_ref, &fn) != napi_ok) return;
  if (napi_make_callback(s->env, s->async, self, fn, argc, argv, &result) == napi_pending_exception) {
    napi_value e;
    napi_get_and_clear_last_exception(s->env, &e);
    napi_fatal_exception(s->env, e);
  }
}

// The TTL or hop limit from a received message's control data; -1 when absent.
static int ttl_of(struct msghdr *m) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    int v;
    if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
        (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
      if (c->cmsg_len < CMSG_LEN(sizeof v)) continue;
      memcpy(&v, CMSG_DATA(c), sizeof v);
      return v;
    }
  }
  return -1;
}

static void on_readable(uv_poll_t *h, int status, int events) {
  usock *s = h->data;
  if (!s || s->fd < 0) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value self;
  napi_get_reference_value(env, s->self, &self);
  s->in_callback = 1;
  if (status < 0) {
    // A pending socket error (ICMP errors are not queued on an unconnected UDP socket, but be safe): report, go on.
    int err = 0;
    socklen_t errlen = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0) err = errno;
    int restart = err != EBADF && uv_poll_start(s->poll, UV_READABLE, on_readable) == 0;
    napi_value e = errno_error(env, restart ? "recv" : "poll", s->where, err ? err : -status);
    call_js(s, self, s->on_error, 1, &e);
  }
  unsigned char buf[RECV_BUF_SIZE];
  union {
    struct cmsghdr align;
    unsigned char bytes[CMSG_SPACE(sizeof(int)) * 4];
  } control;
  for (int n = 0; s->fd >= 0 && n < DATAGRAMS_PER_WAKEUP; n++) {
    struct sockaddr_storage from;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr m = {.msg_name = &from,
                       .msg_namelen = sizeof from,
                       .msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.bytes,
                       .msg_controllen = sizeof control.bytes};
    ssize_t len = recvmsg(s->fd, &m, 0);
    if (len < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        napi_value e = errno_error(env, "recv", s->where, errno);
        call_js(s, self, s->on_error, 1, &e);
      }
      break;
    }
    char addr[INET6_ADDRSTRLEN] = "";
    if (from.ss_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, addr, sizeof addr);
    } else if (from.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, addr, sizeof addr);
    }
    napi_value argv[3];
    napi_create_buffer_copy(env, (size_t)len, buf, NULL, &argv[0]);
    napi_create_string_utf8(env, addr, NAPI_AUTO_LENGTH, &argv[1]);
    napi_create_int32(env, ttl_of(&m), &argv[2]);
    call_js(s, self, s->on_message, 3, argv);
  }
  s->in_callback = 0;
  if (s->fd < 0 && s->async) {
    napi_async_destroy(env, s->async);
    s->async = NULL;
  }
  napi_close_handle_scope(env, scope);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value self;
  usock *s = NULL;
  napi_get_cb_info(env, info, NULL, NULL, &self, NULL);
  if (napi_unwrap(env, self, (void **)&s) != napi_ok || !s) {
    napi_throw_type_error(env, NULL, "not a UdpTtlSocket");
    return NULL;
  }
  shutdown_socket(s);
  return NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  usock *s = data;
  shutdown_socket(s);
  free(s);
}

// Opens, configures and binds; returns 0 or an errno, with *op naming the step that failed.
static int open_socket(usock *s, const char *address, const char **op) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sslen;
  *op = "address";
  if (s->family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)s->port);
    if (inet_pton(AF_INET, address, &a->sin_addr) != 1) return EINVAL;
    sslen = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)s->port);
    if (inet_pton(AF_INET6, address, &a->sin6_addr) != 1) return EINVAL;
    sslen = sizeof *a;
  }
  *op = "open";
  s->fd = socket(s->family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) return errno;
  int one = 1;
  *op = "setsockopt";
  if (s->family == 4) {
    if (setsockopt(s->fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) < 0) return errno;
  } else {
    if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) return errno;
    if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0) return errno;
  }
  *op = "bind";
  if (bind(s->fd, (struct sockaddr *)&ss, sslen) < 0) return errno;
  socklen_t len = sizeof ss;
  if (getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0) {
    s->port = ntohs(s->family == 4 ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
  }
  return 0;
}

static napi_value js_new(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5] = {NULL, NULL, NULL, NULL, NULL}, self, new_target = NULL;
  napi_get_cb_info(env, info, &argc, argv, &self, NULL);
  napi_get_new_target(env, info, &new_target);
  napi_valuetype t[5];
  for (int i = 0; i < 5; i++) napi_typeof(env, argv[i], &t[i]);
  int32_t family = 0, port = -1;
  char address[INET6_ADDRSTRLEN] = "";
  size_t alen = 0;
  if (t[0] == napi_number) napi_get_value_int32(env, argv[0], &family);
  if (t[2] == napi_number) napi_get_value_int32(env, argv[2], &port);
  if (t[1] == napi_string) napi_get_value_string_utf8(env, argv[1], address, sizeof address, &alen);
  if (!new_target || (family != 4 && family != 6) || t[1] != napi_string || alen == 0 || port < 0 || port > 65535 ||
      t[3] != napi_function || t[4] != napi_function) {
    napi_throw_type_error(env, NULL,
                          "new UdpTtlSocket(family: 4 | 6, address: string, port: 0..65535, onMessage, onError)");
    return NULL;
  }
  usock *s = calloc(1, sizeof *s);
  s->env = env;
  s->fd = -1;
  s->family = family;
  s->port = port;
  snprintf(s->where, sizeof s->where, family == 6 ? "[%s]:%d" : "%s:%d", address, port);
  const char *op;
  int err = open_socket(s, address, &op);
  if (err) {
    napi_throw(env, errno_error(env, op, s->where, err));
    if (s->fd >= 0) close(s->fd);
    free(s);
    return NULL;
  }
  uv_loop_t *loop;
  s->poll = calloc(1, sizeof *s->poll);
  napi_get_uv_event_loop(env, &loop);
  err = uv_poll_init(loop, s->poll, s->fd);
  if (err == 0 && (err = uv_poll_start(s->poll, UV_READABLE, on_readable)) != 0) {
    uv_close((uv_handle_t *)s->poll, free_poll);
    s->poll = NULL;
  }
  if (err) {
    close(s->fd);
    free(s->poll);
    napi_throw(env, errno_error(env, "poll", s->where, -err));
    free(s);
    return NULL;
  }
  s->poll->data = s;
  napi_value name, portv;
  napi_create_string_utf8(env, "ironlb:UdpTtlSocket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &s->async);
  napi_create_reference(env, self, 1, &s->self);
  napi_create_reference(env, argv[3], 1, &s->on_message);
  napi_create_reference(env, argv[4], 1, &s->on_error);
  napi_wrap(env, self, s, finalize, NULL, NULL);
  napi_create_int32(env, s->port, &portv);
  napi_property_descriptor props[] = {{"port", NULL, NULL, NULL, NULL, portv, napi_enumerable, NULL}};
  napi_define_properties(env, self, 1, props);
  return self;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {{"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL}};
  napi_value cls;
  napi_define_class(env, "UdpTtlSocket", NAPI_AUTO_LENGTH, js_new, NULL, 1, methods, &cls);
  napi_set_named_property(env, exports, "UdpTtlSocket", cls);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
