//! Independent work spread over every core: parsing the migration files, building and laying
//! out the generated files, writing them.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads (this one included) to spread `items` items over: one per core, no more
/// than there are items.
fn threads_for(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items)
}

/// `f` over `items` on every core, the results in the order of `items`.
///
/// Workers take the next item as they finish one, so a few large items (a long migration
/// file, the migrations list) do not leave the other cores idle; put the largest first. A panic
/// in `f` is passed on to the caller.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        // This thread works too, beside threads - 1 others.
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mine = work();
        for (index, result) in others
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .chain(mine)
        {
            slots[index] = Some(result);
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("every item is taken by exactly one worker"))
        .collect()
}

/// `f` over `items` on every core, with each result handed to `consume` on this thread in the
/// order of `items`, as soon as it and those before it are ready: a serial stage (the fold)
/// runs on this core while the others still work on later items (the parse). When the next
/// result is not ready, this thread takes an item itself rather than wait. A panic in `f` is
/// passed on to the caller.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync, mut consume: impl FnMut(R)) {
    let threads = threads_for(items.len());
    if threads <= 1 {
        items.iter().map(f).for_each(consume);
        return;
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let index = next.fetch_add(1, Ordering::Relaxed);
        items.get(index).map(|item| (index, f(item)))
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel();
        let others: Vec<_> = (1..threads)
            .map(|_| {
                let sender = sender.clone();
                scope.spawn(|| {
                    let sender = sender;
                    while let Some(done) = take() {
                        if sender.send(done).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        let mut wanted = 0;
        while wanted < items.len() {
            while let Ok((index, result)) = results.try_recv() {
                slots[index] = Some(result);
            }
            if let Some(result) = slots[wanted].take() {
                consume(result);
                wanted += 1;
            } else if let Some((index, result)) = take() {
                slots[index] = Some(result);
            } else if let Ok((index, result)) = results.recv() {
                slots[index] = Some(result);
            } else {
                // Every worker is gone with results missing: one panicked.
                break;
            }
        }
        for worker in others {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map(&items, |n| {
            // Uneven work, so workers finish out of order.
            if n % 7 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn handles_no_items_and_one_item() {
        assert_eq!(map(&[] as &[u8], |n| *n), Vec::<u8>::new());
        assert_eq!(map(&[3u8], |n| n + 1), vec![4]);
    }

    #[test]
    #[should_panic(expected = "item 5")]
    fn passes_a_panic_on() {
        let items: Vec<u32> = (0..10).collect();
        map(&items, |n| assert!(*n != 5, "item 5"));
    }

    #[test]
    fn map_in_order_hands_over_every_result_in_order() {
        let items: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        map_in_order(
            &items,
            |n| {
                if n % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                n * 2
            },
            |doubled| seen.push(doubled),
        );
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn map_in_order_passes_a_panic_on() {
        let items: Vec<u64> = (0..100).collect();
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(&items, |n| assert_ne!(*n, 42, "item 42"), |()| {});
        });
        assert!(outcome.is_err());
    }
}
