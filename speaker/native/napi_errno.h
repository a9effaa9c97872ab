/*
 * The errors the speaker's addons throw: Error("<op> <what>: ENAME (text)") with .code = "ENAME" and .errno, so
 * JS matches on the errno name. One copy for packet_socket.c, tcp_socket.c and udp_ttl.c.
 */
#ifndef IRONLB_NAPI_ERRNO_H
#define IRONLB_NAPI_ERRNO_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>

static const char *errno_name(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *n = strerrorname_np(err);
  if (n) return n;
#else
  switch (err) {
    case EPERM: return "EPERM";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENETDOWN: return "ENETDOWN";
    case EINVAL: return "EINVAL";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case EMSGSIZE: return "EMSGSIZE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENOMEM: return "ENOMEM";
  }
#endif
  return "EUNKNOWN";
}

// Error("<op> <what>: ENAME (text)") with .code = "ENAME" and .errno = err; `what` may be "".
static napi_value errno_error(napi_env env, const char *op, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s%s%s: %s (%s)", op, what[0] ? " " : "", what, errno_name(err), strerror(err));
  napi_value code, text, e, num;
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &e);
  napi_create_int32(env, err, &num);
  napi_set_named_property(env, e, "errno", num);
  return e;
}

#endif
