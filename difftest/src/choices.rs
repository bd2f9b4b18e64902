//! Choices: every random decision the generators make is read from a list of numbers, so that
//! proptest can shrink a case by shrinking the numbers. A number shrinks towards 0, and 0 is
//! always the simplest choice: the first option, "no" to every optional feature, the shortest
//! list. A list that runs out answers 0 from then on.

use std::collections::BTreeSet;

/// A cursor over the numbers one statement, query or row is generated from.
#[derive(Debug)]
pub struct Picks<'a> {
    numbers: &'a [u16],
    at: usize,
}

impl<'a> Picks<'a> {
    /// Reads `numbers` from the start.
    pub fn new(numbers: &'a [u16]) -> Self {
        Self { numbers, at: 0 }
    }

    /// The next number (0 once they are used up).
    pub fn number(&mut self) -> u16 {
        let n = self.numbers.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        n
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.number()) % n.max(1)
    }

    /// True `percent` times in a hundred; a number shrunk to 0 says no.
    pub fn chance(&mut self, percent: u16) -> bool {
        self.number() % 100 >= 100 - percent.min(100)
    }

    /// One of `items`, `None` when there are none.
    pub fn pick<'b, T>(&mut self, items: &'b [T]) -> Option<&'b T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }

    /// The index of an option by weight (`weights[i]` in their sum); 0 is the first option.
    pub fn weighted(&mut self, weights: &[u16]) -> usize {
        let total: u32 = weights.iter().map(|&w| u32::from(w)).sum();
        let mut roll = u32::from(self.number()) % total.max(1);
        for (i, &w) in weights.iter().enumerate() {
            if roll < u32::from(w) {
                return i;
            }
            roll -= u32::from(w);
        }
        0
    }
}

/// The distinct statement and expression forms a run produced (`ALTER TABLE ... ADD COLUMN`,
/// `expr: COALESCE`), to say how much of the language it covered.
#[derive(Debug, Default, Clone)]
pub struct Forms {
    seen: BTreeSet<&'static str>,
}

impl Forms {
    /// Records that a form was produced.
    pub fn saw(&mut self, form: &'static str) {
        self.seen.insert(form);
    }

    /// Adds another run's forms.
    pub fn merge(&mut self, other: &Forms) {
        self.seen.extend(other.seen.iter().copied());
    }

    /// How many statement forms (`stmt: ...`) and expression forms (everything else).
    pub fn counts(&self) -> (usize, usize) {
        let statements = self.seen.iter().filter(|f| f.starts_with("stmt:")).count();
        (statements, self.seen.len() - statements)
    }

    /// Every form, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.seen.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_the_simplest_choice() {
        let mut p = Picks::new(&[0, 0, 0]);
        assert!(!p.chance(99));
        assert_eq!(p.below(7), 0);
        assert_eq!(p.weighted(&[3, 5]), 0);
        // Used up: zeros forever.
        assert_eq!(p.number(), 0);
    }

    #[test]
    fn weights_split_the_range() {
        let mut p = Picks::new(&[2, 3, 7]);
        assert_eq!(p.weighted(&[3, 5]), 0);
        assert_eq!(p.weighted(&[3, 5]), 1);
        assert_eq!(p.weighted(&[3, 5]), 1);
        assert!(Picks::new(&[99]).chance(1));
        assert!(!Picks::new(&[98]).chance(1));
    }
}
