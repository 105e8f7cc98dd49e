//! Freeing what a large tenant's check is done with on another thread: the tree, the model and
//! the values of a 100,000-user file take about a tenth of a second to free, which its report
//! need not wait for.

/// From this size on a tenant file's tree and values are freed in the background.
pub const LARGE: usize = 1 << 20;

/// Frees `value` on the thread pool.
pub fn later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
