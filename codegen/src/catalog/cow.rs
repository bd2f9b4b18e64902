//! [`CowVec`]: a list whose items a fold shares with its snapshots, copied on first write.
//!
//! A transaction (`BEGIN`), a savepoint and a `DO` block with an `EXCEPTION` clause each keep a
//! snapshot of the fold to return to. Histories wrap every file in a transaction, so a deep
//! copy of every relation per snapshot would make folding quadratic. Items live behind `Arc`
//! (so a finished catalog can be read from several threads while emitting): a snapshot copies
//! pointers, and a relation is copied only when it is changed while a snapshot still holds it.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list of items shared with snapshots (see the module documentation).
pub struct CowVec<T> {
    items: Vec<Arc<T>>,
}

impl<T: Clone> CowVec<T> {
    /// The items, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.items.iter().map(|item| &**item)
    }

    /// Every item, to change (each copied if a snapshot holds it).
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + ExactSizeIterator {
        self.items.iter_mut().map(Arc::make_mut)
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item at `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i).map(|item| &**item)
    }

    /// The first item.
    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.items.last().map(|item| &**item)
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: T) {
        self.items.push(Arc::new(item));
    }

    /// Removes and returns the item at `i`.
    pub fn remove(&mut self, i: usize) -> T {
        Arc::unwrap_or_clone(self.items.remove(i))
    }

    /// Keeps the items `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|item| keep(item));
    }

    /// Sorts with `compare` (stable).
    pub fn sort_by(&mut self, mut compare: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        self.items.sort_by(|a, b| compare(a, b));
    }
}

impl<T> Default for CowVec<T> {
    fn default() -> Self {
        CowVec { items: Vec::new() }
    }
}

/// Copies pointers, not items.
impl<T> Clone for CowVec<T> {
    fn clone(&self) -> Self {
        CowVec {
            items: self.items.clone(),
        }
    }
}

impl<T> Index<usize> for CowVec<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.items[i]
    }
}

impl<T: Clone> IndexMut<usize> for CowVec<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        Arc::make_mut(&mut self.items[i])
    }
}

impl<T> From<Vec<T>> for CowVec<T> {
    fn from(items: Vec<T>) -> Self {
        CowVec {
            items: items.into_iter().map(Arc::new).collect(),
        }
    }
}

impl<T: PartialEq> PartialEq for CowVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items.len() == other.items.len() && self.items.iter().zip(&other.items).all(|(a, b)| a == b)
    }
}

impl<T: Eq> Eq for CowVec<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for CowVec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.items.iter().map(|item| &**item))
            .finish()
    }
}

impl<T: Serialize> Serialize for CowVec<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.iter().map(|item| &**item))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for CowVec<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(CowVec::from)
    }
}

#[cfg(test)]
mod tests {
    use super::CowVec;

    #[test]
    fn a_copy_shares_items_until_one_side_changes_them() {
        let mut live = CowVec::from(vec![String::from("a"), String::from("b")]);
        let snapshot = live.clone();
        live[0].push('!');
        live.push("c".into());
        assert_eq!(live.iter().collect::<Vec<_>>(), ["a!", "b", "c"]);
        assert_eq!(snapshot.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(live.remove(1), "b");
        assert_eq!(snapshot.len(), 2);
    }
}
