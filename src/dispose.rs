//! Freeing what a large tenant's check is done with on another thread: the tree, the model, the
//! values and the report of a 100,000-user file take tens of milliseconds each to free, which the
//! report and the next file need not wait for.

/// From this size on a tenant file's tree and values are freed in the background.
pub const LARGE: usize = 1 << 20;

/// Frees `value` on the thread pool.
pub fn later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
