//! Progress on stderr for long runs: a bar, drawn only when stderr is a terminal,
//! `--quiet` is not given, and the run has already taken a second (a report of a
//! hand-written inventory never shows one). Stages call [`tick`] every few thousand
//! rows; nothing is drawn more often than ten times a second.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct State {
    start: Instant,
    last: Option<Instant>,
    drawn: bool,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

/// How many rows a stage handles between two calls of [`tick`].
pub const EVERY: usize = 1 << 16;

/// Turns progress on for this run, if stderr is a terminal and the run is not quiet.
pub fn enable(quiet: bool) {
    if quiet || !std::io::stderr().is_terminal() {
        return;
    }
    if let Ok(mut state) = STATE.lock() {
        *state = Some(State {
            start: Instant::now(),
            last: None,
            drawn: false,
        });
    }
}

/// `stage` has done `done` of `total` units (bytes, rows).
pub fn tick(stage: &str, done: usize, total: usize) {
    let Ok(mut guard) = STATE.try_lock() else {
        return;
    };
    let Some(state) = guard.as_mut() else {
        return;
    };
    let now = Instant::now();
    if now - state.start < Duration::from_secs(1)
        || state
            .last
            .is_some_and(|l| now - l < Duration::from_millis(100))
    {
        return;
    }
    state.last = Some(now);
    state.drawn = true;
    let _ = write!(std::io::stderr(), "\r\x1b[2K{}", bar(stage, done, total));
}

/// `reading      [#########---------------------]  31%`
fn bar(stage: &str, done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let share = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let filled = (share * WIDTH as f64) as usize;
    format!(
        "{stage:<12} [{}{}] {:>3}%",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        (share * 100.0) as u32
    )
}

/// Clears the bar, before the run prints anything else to stderr.
pub fn finish() {
    if let Ok(mut guard) = STATE.lock() {
        if guard.take().is_some_and(|s| s.drawn) {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_fills_with_the_share_done() {
        assert_eq!(
            super::bar("reading", 1, 2),
            format!("reading      [{}{}]  50%", "#".repeat(15), "-".repeat(15))
        );
        assert!(super::bar("writing", 5, 0).ends_with("] 100%"));
        assert!(super::bar("writing", 9, 3).ends_with("] 100%"));
    }

    #[test]
    fn nothing_is_drawn_unless_enabled() {
        // Not enabled (tests never run with a terminal on stderr): ticks are no-ops.
        super::tick("reading", 1, 2);
        assert!(super::STATE.lock().unwrap().is_none());
    }
}
