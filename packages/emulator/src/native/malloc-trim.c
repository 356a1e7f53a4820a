/*
 * glibc's malloc_trim(0) and mallinfo2() for Node, through Node-API.
 *
 * Freed memory stays with the process in glibc's heap: a free chunk is given
 * back to the system only when it lies at the top of the heap (sbrk) or was
 * mmap'd on its own. After a flood of large Buffers the heap's top is pinned
 * by small long-lived allocations made meanwhile, and glibc's dynamic mmap
 * threshold has risen to the Buffers' size (mallopt(3), M_MMAP_THRESHOLD), so
 * hundreds of free megabytes stay resident. malloc_trim(0) walks every arena
 * and hands the free pages back (madvise MADV_DONTNEED), wherever they lie.
 *
 * Built by scripts/native-addon.mjs with the system C compiler against the
 * running Node's headers; glibc only (musl and macOS have no malloc_trim).
 */
#define NAPI_VERSION 8
#include <malloc.h>
#include <node_api.h>

#if !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 33)
#error "malloc_trim and mallinfo2 are glibc's (2.33 or later)"
#endif

/* trim(): malloc_trim(0), true when glibc gave memory back to the system. */
static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
  return result;
}

static void SetBytes(napi_env env, napi_value obj, const char *name, size_t bytes) {
  napi_value v;
  napi_create_double(env, (double)bytes, &v);
  napi_set_named_property(env, obj, name, v);
}

/*
 * info(): mallinfo2's totals over all arenas, in bytes: arena (obtained with
 * sbrk/mmap for the arenas), free (free chunks in them: fordblks), mmapped
 * (chunks mmap'd on their own: hblkhd), topReleasable (the free top chunk that
 * plain trimming could release: keepcost).
 */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  struct mallinfo2 m = mallinfo2();
  napi_value obj;
  napi_create_object(env, &obj);
  SetBytes(env, obj, "arena", m.arena);
  SetBytes(env, obj, "free", m.fordblks);
  SetBytes(env, obj, "mmapped", m.hblkhd);
  SetBytes(env, obj, "topReleasable", m.keepcost);
  return obj;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"trim", NULL, Trim, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
