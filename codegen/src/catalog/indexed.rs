//! Catalog collections that look names up in hash indexes: [`Relations`] and [`Sequences`].
//!
//! A history of thousands of tables looks names up on every statement (does this relation
//! exist, is this index or constraint name taken, which tables inherit from or reference this
//! one, which sequence does this column own), so those lookups must not walk the catalog.
//! [`Indexed`] is a `Vec` that reads like a slice and keeps hash indexes of the names its
//! items declare ([`Keyed`]). Every way to change an item goes through it (`IndexMut`,
//! `iter_mut`, `push`, `remove`, `sort_by`, `retain`) and marks what changed; the indexes catch
//! up lazily, on the next lookup, for the items marked since. So the indexes are never stale,
//! and a statement costs what it touches, not the size of the catalog. Items are kept in a
//! [`CowVec`], shared with the fold's snapshots; a copy (a snapshot) starts with no index and
//! builds one only if it is ever looked up in, that is, restored.

use std::collections::{BTreeSet, HashMap};
use std::ops::{Index, IndexMut};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalog::cow::CowVec;
use crate::catalog::model::{Relation, Sequence};

/// A schema-qualified name.
type Key = (String, String);

/// An item that declares the names it is found by, each in one of `KINDS` indexes.
pub trait Keyed {
    /// How many indexes.
    const KINDS: usize;
    /// The names of this item: (index, schema, name).
    fn keys(&self) -> Vec<(usize, Key)>;
}

/// Items in order, with hash indexes of their names (see the module documentation).
pub struct Indexed<T: Keyed> {
    items: CowVec<T>,
    /// Behind a `Mutex` (not a `RefCell`) so a catalog can be shared between threads.
    index: Mutex<NameIndex>,
}

/// The relations of a catalog.
pub type Relations = Indexed<Relation>;

/// The sequences of a catalog.
pub type Sequences = Indexed<Sequence>;

/// Name -> the items that declare it, one map per kind.
#[derive(Clone, Default)]
struct NameIndex {
    /// Items changed since the indexes were last brought up to date.
    dirty: BTreeSet<usize>,
    /// Every item changed (or moved): rebuild from scratch.
    all_dirty: bool,
    /// What each item put into the indexes, to take it out again.
    entries: Vec<Vec<(usize, Key)>>,
    maps: Vec<HashMap<Key, Vec<usize>>>,
}

impl NameIndex {
    fn stale() -> Self {
        NameIndex {
            all_dirty: true,
            ..NameIndex::default()
        }
    }

    /// Brings the indexes up to date with `items`.
    fn refresh<T: Keyed + Clone>(&mut self, items: &CowVec<T>) {
        if self.all_dirty {
            *self = NameIndex::default();
            self.dirty = (0..items.len()).collect();
        }
        self.maps.resize_with(T::KINDS, HashMap::new);
        self.entries.resize_with(items.len(), Vec::new);
        for i in std::mem::take(&mut self.dirty) {
            for (kind, key) in std::mem::take(&mut self.entries[i]) {
                if let Some(owners) = self.maps[kind].get_mut(&key) {
                    owners.retain(|&o| o != i);
                    if owners.is_empty() {
                        self.maps[kind].remove(&key);
                    }
                }
            }
            let Some(item) = items.get(i) else { continue };
            let keys = item.keys();
            for (kind, key) in &keys {
                self.maps[*kind].entry(key.clone()).or_default().push(i);
            }
            self.entries[i] = keys;
        }
    }
}

impl<T: Keyed + Clone> Indexed<T> {
    /// The positions of the items that declare `schema.name` in index `kind`, in order.
    fn lookup(&self, kind: usize, schema: &str, name: &str) -> Vec<usize> {
        let mut index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        if index.all_dirty || !index.dirty.is_empty() || index.entries.len() != self.items.len() {
            index.refresh(&self.items);
        }
        let mut found = index
            .maps
            .get(kind)
            .and_then(|map| map.get(&(schema.to_string(), name.to_string())))
            .cloned()
            .unwrap_or_default();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn touch_all(&mut self) {
        self.index
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .all_dirty = true;
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
        let i = self.items.len() - 1;
        self.index
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .dirty
            .insert(i);
    }

    /// Removes and returns the item at `i`; those after it move up one.
    pub fn remove(&mut self, i: usize) -> T {
        self.touch_all();
        self.items.remove(i)
    }

    /// Every item, to change.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + ExactSizeIterator {
        self.touch_all();
        self.items.iter_mut()
    }

    /// The items, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.items.iter()
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
        self.items.get(i)
    }

    /// The first item.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    /// Sorts with `compare`.
    pub fn sort_by(&mut self, compare: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        self.touch_all();
        self.items.sort_by(compare);
    }

    /// Keeps the items `keep` says to.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.touch_all();
        self.items.retain(keep);
    }
}

/// Index kinds of [`Relations`].
mod relation {
    pub const NAME: usize = 0;
    pub const CLASS: usize = 1;
    pub const CONSTRAINT: usize = 2;
    pub const PARENT: usize = 3;
    pub const REFERENCED: usize = 4;
}

impl Keyed for Relation {
    const KINDS: usize = 5;

    fn keys(&self) -> Vec<(usize, Key)> {
        use relation::*;
        let key = |kind: usize, name: &str| (kind, (self.schema.clone(), name.to_string()));
        let mut keys = vec![key(NAME, &self.name), key(CLASS, &self.name)];
        // Indexes and key constraints share the `pg_class` namespace with relations.
        keys.extend(self.indexes.iter().map(|i| key(CLASS, &i.name)));
        for n in self
            .primary_key_name
            .iter()
            .chain(self.unique.iter().map(|u| &u.name))
            .chain(&self.exclusions)
        {
            keys.push(key(CLASS, n));
            keys.push(key(CONSTRAINT, n));
        }
        keys.extend(self.foreign_keys.iter().map(|f| key(CONSTRAINT, &f.name)));
        keys.extend(self.checks.iter().map(|c| key(CONSTRAINT, &c.name)));
        keys.extend(
            self.inherits
                .iter()
                .chain(&self.partition_of)
                .map(|t| (PARENT, (t.schema.clone(), t.name.clone()))),
        );
        keys.extend(self.foreign_keys.iter().map(|f| {
            (
                REFERENCED,
                (f.references.schema.clone(), f.references.table.clone()),
            )
        }));
        keys
    }
}

impl Relations {
    /// The position of the relation `schema.name`.
    pub fn position(&self, schema: &str, name: &str) -> Option<usize> {
        self.lookup(relation::NAME, schema, name).first().copied()
    }

    /// True when a relation, index or key constraint of `schema` is called `name` (PostgreSQL
    /// keeps them all in `pg_class`, one namespace per schema).
    pub fn class_name_taken(&self, schema: &str, name: &str) -> bool {
        !self.lookup(relation::CLASS, schema, name).is_empty()
    }

    /// True when a constraint of a relation of `schema` is called `name`.
    pub fn constraint_name_taken(&self, schema: &str, name: &str) -> bool {
        !self.lookup(relation::CONSTRAINT, schema, name).is_empty()
    }

    /// The positions of the relations that inherit from, or are partitions of, `schema.name`.
    pub fn children_of(&self, schema: &str, name: &str) -> Vec<usize> {
        self.lookup(relation::PARENT, schema, name)
    }

    /// The positions of the relations with a foreign key referencing `schema.name`.
    pub fn referencing(&self, schema: &str, name: &str) -> Vec<usize> {
        self.lookup(relation::REFERENCED, schema, name)
    }
}

/// Index kinds of [`Sequences`].
mod sequence {
    pub const NAME: usize = 0;
    pub const OWNER: usize = 1;
}

impl Keyed for Sequence {
    const KINDS: usize = 2;

    fn keys(&self) -> Vec<(usize, Key)> {
        let mut keys = vec![(sequence::NAME, (self.schema.clone(), self.name.clone()))];
        keys.extend(
            self.owned_by
                .iter()
                .map(|o| (sequence::OWNER, (o.schema.clone(), o.table.clone()))),
        );
        keys
    }
}

impl Sequences {
    /// The position of the sequence `schema.name`.
    pub fn position(&self, schema: &str, name: &str) -> Option<usize> {
        self.lookup(sequence::NAME, schema, name).first().copied()
    }

    /// The positions of the sequences owned by a column of the table `schema.table`.
    pub fn owned_by_table(&self, schema: &str, table: &str) -> Vec<usize> {
        self.lookup(sequence::OWNER, schema, table)
    }
}

impl<T: Keyed> Default for Indexed<T> {
    fn default() -> Self {
        Indexed {
            items: CowVec::default(),
            index: Mutex::new(NameIndex::default()),
        }
    }
}

/// Shares the items; the copy builds its own index when first looked up in.
impl<T: Keyed> Clone for Indexed<T> {
    fn clone(&self) -> Self {
        Indexed {
            items: self.items.clone(),
            index: Mutex::new(NameIndex::stale()),
        }
    }
}

impl<T: Keyed> Index<usize> for Indexed<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.items[i]
    }
}

impl<T: Keyed + Clone> IndexMut<usize> for Indexed<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        self.index
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .dirty
            .insert(i);
        &mut self.items[i]
    }
}

impl<'a, T: Keyed + Clone> IntoIterator for &'a Indexed<T> {
    type Item = &'a T;
    type IntoIter = Box<dyn Iterator<Item = &'a T> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.items.iter())
    }
}

impl<'a, T: Keyed + Clone> IntoIterator for &'a mut Indexed<T> {
    type Item = &'a mut T;
    type IntoIter = Box<dyn Iterator<Item = &'a mut T> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter_mut())
    }
}

impl<T: Keyed> From<Vec<T>> for Indexed<T> {
    fn from(items: Vec<T>) -> Self {
        Indexed {
            items: CowVec::from(items),
            index: Mutex::new(NameIndex::stale()),
        }
    }
}

impl<T: Keyed> FromIterator<T> for Indexed<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Indexed::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<T: Keyed + PartialEq> PartialEq for Indexed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T: Keyed + Eq> Eq for Indexed<T> {}

impl<T: Keyed + std::fmt::Debug> std::fmt::Debug for Indexed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<T: Keyed + Serialize> Serialize for Indexed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: Keyed + Deserialize<'de>> Deserialize<'de> for Indexed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Indexed::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::{Index as TableIndex, RelationKind, TableRef};

    fn table(name: &str) -> Relation {
        Relation::new("public", name, RelationKind::Table)
    }

    #[test]
    fn sequences_are_found_by_name_and_owner() {
        use crate::catalog::model::{ColumnRef, Sequence};
        let mut s = Sequences::default();
        s.push(Sequence {
            schema: "public".into(),
            name: "t_id_seq".into(),
            data_type: "bigint".into(),
            owned_by: Some(ColumnRef {
                schema: "public".into(),
                table: "t".into(),
                column: "id".into(),
            }),
        });
        assert_eq!(s.position("public", "t_id_seq"), Some(0));
        assert_eq!(s.owned_by_table("public", "t"), vec![0]);
        s[0].owned_by = None;
        assert!(s.owned_by_table("public", "t").is_empty());
        s.retain(|_| false);
        assert_eq!(s.position("public", "t_id_seq"), None);
    }

    #[test]
    fn lookups_follow_every_change() {
        let mut r = Relations::default();
        r.push(table("a"));
        r.push(table("b"));
        assert_eq!(r.position("public", "b"), Some(1));
        r[1].name = "c".into();
        assert_eq!(r.position("public", "b"), None);
        assert_eq!(r.position("public", "c"), Some(1));
        r[0].indexes.push(TableIndex {
            name: "a_idx".into(),
            unique: false,
            columns: vec!["x".into()],
            predicate: None,
        });
        assert!(r.class_name_taken("public", "a_idx"));
        r[0].primary_key_name = Some("a_pkey".into());
        assert!(r.constraint_name_taken("public", "a_pkey"));
        r[1].inherits.push(TableRef {
            schema: "public".into(),
            name: "a".into(),
        });
        assert_eq!(r.children_of("public", "a"), vec![1]);
        r.remove(0);
        assert!(!r.class_name_taken("public", "a_idx"));
        assert_eq!(r.position("public", "c"), Some(0));
        for rel in r.iter_mut() {
            rel.schema = "app".into();
        }
        assert_eq!(r.position("app", "c"), Some(0));
        assert_eq!(r.position("public", "c"), None);
    }
}
