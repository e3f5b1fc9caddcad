//! One setting of the C allocator, made once at start by the binary (and the benchmark).
//!
//! glibc's malloc raises its mmap threshold each time it frees a large mapped block (up
//! to 32 MB), after which large buffers come from the heap and fragment it: a
//! 10,000-row report peaked at 130 MB of resident memory for 53 MB of live heap. Setting
//! the threshold, to its usual default of 128 KB, turns that adjustment off: the same
//! report peaks at 62 MB, at no measurable cost in time.
//!
//! And it keeps two arenas, not one per thread: the renderers run on two threads, and
//! memory one of them frees in an arena of its own was not reused by the other. Ten
//! thousand rows to every format peaked at 102 MB, and at 91 MB with two arenas, in the
//! same time (one arena: 81 MB, but a quarter slower).
/// Fixes glibc's mmap threshold and its number of arenas; does nothing on other
/// platforms.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        const M_MMAP_THRESHOLD: i32 = -3;
        const M_ARENA_MAX: i32 = -8;
        // SAFETY: `mallopt` only sets an allocator parameter; it is called before the
        // program starts any thread, and its result (0 on failure) needs no handling.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 128 * 1024);
            mallopt(M_ARENA_MAX, 2);
        }
    }
}
