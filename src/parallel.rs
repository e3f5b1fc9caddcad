//! The one way onus runs work on several threads: items go out to workers, results come
//! back in the items' order, so what is built from them (and the first error) is the
//! same whatever the number of threads and their timing.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Runs `work` on every item `produce` hands out, on `workers` threads, and gives each
/// result to `consume`, on the calling thread, in the order the items were handed out.
///
/// `produce` runs on a thread of its own; the function it is given sends one item and
/// says whether to go on (false once `consume` has failed). Its return value is returned
/// once every item is consumed. The first error of `consume` stops the work: no later
/// result is consumed, the workers stop at their next item and `produce` at its next
/// send. A panic on any thread is resumed on the calling thread.
pub fn ordered<T, R, P, E>(
    workers: usize,
    produce: impl FnOnce(&mut dyn FnMut(T) -> bool) -> P + Send,
    work: impl Fn(T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<P, E>
where
    T: Send,
    R: Send,
    P: Send,
{
    let workers = workers.max(1);
    // A short queue: the producer stays a little ahead of the workers, never far.
    let (jobs, queue) = sync_channel::<(usize, T)>(workers);
    let queue = Arc::new(Mutex::new(queue));
    let (results, done) = channel::<(usize, R)>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut index = 0;
            produce(&mut |item| {
                let sent = jobs.send((index, item)).is_ok();
                index += 1;
                sent
            })
        });
        for _ in 0..workers {
            let (queue, results, work) = (queue.clone(), results.clone(), &work);
            scope.spawn(move || loop {
                let job = queue
                    .lock()
                    .map_err(drop)
                    .and_then(|q| q.recv().map_err(drop));
                let Ok((index, item)) = job else { break };
                if results.send((index, work(item))).is_err() {
                    break;
                }
            });
        }
        // Only the workers hold the queue and the senders: when they stop, the producer's
        // sends fail and the results end.
        drop((queue, results));
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        let mut outcome = Ok(());
        'results: for (index, result) in done {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                if let Err(e) = consume(result) {
                    outcome = Err(e);
                    break 'results;
                }
            }
        }
        let produced = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        outcome.map(|()| produced)
    })
}

/// `work` on each item, on up to `workers` threads, the results in the items' order.
pub fn map<T: Send, R: Send>(
    workers: usize,
    items: impl IntoIterator<Item = T> + Send,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let mut out = Vec::new();
    let consumed: Result<(), std::convert::Infallible> = ordered(
        workers,
        |send| {
            for item in items {
                if !send(item) {
                    break;
                }
            }
        },
        work,
        |r| {
            out.push(r);
            Ok(())
        },
    );
    let Ok(()) = consumed;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_items() {
        for workers in [1, 2, 4, 7] {
            let out = map(workers, 0..500u64, |i| {
                // Uneven work, so the threads finish out of order.
                let spin = (i * 7919) % 97;
                let busy = (0..spin).fold(i, |a, b| a.wrapping_mul(31).wrapping_add(b));
                (i, busy)
            });
            let order: Vec<u64> = out.iter().map(|&(i, _)| i).collect();
            assert_eq!(order, (0..500).collect::<Vec<_>>(), "{workers} workers");
        }
    }

    #[test]
    fn the_first_error_stops_the_work_and_is_returned() {
        let mut seen = Vec::new();
        let outcome = ordered(
            3,
            |send| {
                let mut sent = 0;
                for i in 0..1_000_000u32 {
                    if !send(i) {
                        break;
                    }
                    sent += 1;
                }
                sent
            },
            |i| i * 2,
            |r| {
                if r == 20 {
                    return Err(format!("stopped at {r}"));
                }
                seen.push(r);
                Ok(())
            },
        );
        assert_eq!(outcome, Err("stopped at 20".to_string()));
        assert_eq!(seen, (0..10).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_producer_returns_its_value_after_every_item() {
        let mut total = 0;
        let produced: Result<&str, ()> = ordered(
            2,
            |send| {
                for i in 1..=100u64 {
                    send(i);
                }
                "done"
            },
            |i| i,
            |i| {
                total += i;
                Ok(())
            },
        );
        assert_eq!(produced, Ok("done"));
        assert_eq!(total, 5050);
    }
}
