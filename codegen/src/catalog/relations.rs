//! The relations of a catalog, and the name indexes the fold looks them up in.
//!
//! A history of thousands of tables looks names up on every statement (does this relation
//! exist, is this index or constraint name taken, which tables inherit from this one), so those
//! lookups must not walk every relation. [`Relations`] is a `Vec<Relation>` that reads like a
//! slice and keeps hash indexes of those names. Every way to change a relation goes through
//! it (`IndexMut`, `iter_mut`, `push`, `remove`, `sort`) and marks what changed; the indexes
//! catch up lazily, on the next lookup, for the relations marked since. So the indexes can
//! never be stale, and a statement costs what it touches, not the size of the catalog.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::ops::{Deref, Index, IndexMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalog::model::Relation;

/// A schema-qualified name.
type Key = (String, String);

/// The relations of a catalog, in order (see the module documentation).
#[derive(Clone, Default)]
pub struct Relations {
    items: Vec<Relation>,
    index: RefCell<NameIndex>,
}

/// Name -> the relations that own it, for the names the fold looks up.
#[derive(Clone, Default)]
struct NameIndex {
    /// Relations changed since the indexes were last brought up to date.
    dirty: BTreeSet<usize>,
    /// Every relation changed (or moved): rebuild from scratch.
    all_dirty: bool,
    /// What each relation put into the indexes, to take it out again.
    entries: Vec<Entries>,
    relations: HashMap<Key, Vec<usize>>,
    classes: HashMap<Key, Vec<usize>>,
    constraints: HashMap<Key, Vec<usize>>,
    children: HashMap<Key, Vec<usize>>,
    referrers: HashMap<Key, Vec<usize>>,
}

/// The names one relation contributes.
#[derive(Clone, Default)]
struct Entries {
    relation: Key,
    /// Its name and the names of its indexes and key constraints: PostgreSQL keeps them all in
    /// `pg_class`, so they share one namespace per schema.
    classes: Vec<Key>,
    /// Its constraints' names.
    constraints: Vec<Key>,
    /// The tables it inherits from or is a partition of.
    parents: Vec<Key>,
    /// The tables its foreign keys reference.
    references: Vec<Key>,
}

impl Entries {
    fn of(r: &Relation) -> Self {
        let key = |name: &str| (r.schema.clone(), name.to_string());
        let mut classes = vec![key(&r.name)];
        classes.extend(r.indexes.iter().map(|i| key(&i.name)));
        classes.extend(r.primary_key_name.iter().map(|n| key(n)));
        classes.extend(r.unique.iter().map(|u| key(&u.name)));
        let mut constraints: Vec<Key> = r.primary_key_name.iter().map(|n| key(n)).collect();
        constraints.extend(r.unique.iter().map(|u| key(&u.name)));
        constraints.extend(r.foreign_keys.iter().map(|f| key(&f.name)));
        constraints.extend(r.checks.iter().map(|c| key(&c.name)));
        let parents = r
            .inherits
            .iter()
            .chain(&r.partition_of)
            .map(|t| (t.schema.clone(), t.name.clone()))
            .collect();
        let references = r
            .foreign_keys
            .iter()
            .map(|f| (f.references.schema.clone(), f.references.table.clone()))
            .collect();
        Entries {
            relation: key(&r.name),
            classes,
            constraints,
            parents,
            references,
        }
    }
}

fn sorted(mut positions: Vec<usize>) -> Vec<usize> {
    positions.sort_unstable();
    positions.dedup();
    positions
}

fn add(map: &mut HashMap<Key, Vec<usize>>, key: &Key, i: usize) {
    map.entry(key.clone()).or_default().push(i);
}

fn take(map: &mut HashMap<Key, Vec<usize>>, key: &Key, i: usize) {
    if let Some(owners) = map.get_mut(key) {
        owners.retain(|&o| o != i);
        if owners.is_empty() {
            map.remove(key);
        }
    }
}

impl NameIndex {
    /// Brings the indexes up to date with `items`.
    fn refresh(&mut self, items: &[Relation]) {
        if self.all_dirty {
            *self = NameIndex::default();
            self.dirty = (0..items.len()).collect();
        }
        self.entries.resize_with(items.len(), Entries::default);
        for i in std::mem::take(&mut self.dirty) {
            let old = std::mem::take(&mut self.entries[i]);
            take(&mut self.relations, &old.relation, i);
            old.classes.iter().for_each(|k| take(&mut self.classes, k, i));
            old.constraints
                .iter()
                .for_each(|k| take(&mut self.constraints, k, i));
            old.parents.iter().for_each(|k| take(&mut self.children, k, i));
            old.references
                .iter()
                .for_each(|k| take(&mut self.referrers, k, i));
            let Some(relation) = items.get(i) else { continue };
            let new = Entries::of(relation);
            add(&mut self.relations, &new.relation, i);
            new.classes.iter().for_each(|k| add(&mut self.classes, k, i));
            new.constraints
                .iter()
                .for_each(|k| add(&mut self.constraints, k, i));
            new.parents.iter().for_each(|k| add(&mut self.children, k, i));
            new.references.iter().for_each(|k| add(&mut self.referrers, k, i));
            self.entries[i] = new;
        }
    }
}

impl Relations {
    fn with_index<T>(&self, f: impl FnOnce(&NameIndex) -> T) -> T {
        let mut index = self.index.borrow_mut();
        if index.all_dirty || !index.dirty.is_empty() || index.entries.len() != self.items.len() {
            index.refresh(&self.items);
        }
        f(&index)
    }

    fn owners(map: &HashMap<Key, Vec<usize>>, schema: &str, name: &str) -> Vec<usize> {
        map.get(&(schema.to_string(), name.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    /// The position of the relation `schema.name`.
    pub fn position(&self, schema: &str, name: &str) -> Option<usize> {
        self.with_index(|x| Self::owners(&x.relations, schema, name).into_iter().min())
    }

    /// True when a relation, index or key constraint of `schema` is called `name`.
    pub fn class_name_taken(&self, schema: &str, name: &str) -> bool {
        self.with_index(|x| !Self::owners(&x.classes, schema, name).is_empty())
    }

    /// True when a constraint of a relation of `schema` is called `name`.
    pub fn constraint_name_taken(&self, schema: &str, name: &str) -> bool {
        self.with_index(|x| !Self::owners(&x.constraints, schema, name).is_empty())
    }

    /// The positions of the relations that inherit from, or are partitions of, `schema.name`,
    /// in order.
    pub fn children_of(&self, schema: &str, name: &str) -> Vec<usize> {
        self.with_index(|x| sorted(Self::owners(&x.children, schema, name)))
    }

    /// The positions of the relations with a foreign key referencing `schema.name`, in order.
    pub fn referencing(&self, schema: &str, name: &str) -> Vec<usize> {
        self.with_index(|x| sorted(Self::owners(&x.referrers, schema, name)))
    }

    /// Adds a relation at the end.
    pub fn push(&mut self, relation: Relation) {
        self.items.push(relation);
        let i = self.items.len() - 1;
        self.index.get_mut().dirty.insert(i);
    }

    /// Removes and returns the relation at `i`; those after it move up one.
    pub fn remove(&mut self, i: usize) -> Relation {
        self.index.get_mut().all_dirty = true;
        self.items.remove(i)
    }

    /// Every relation, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Relation> {
        self.index.get_mut().all_dirty = true;
        self.items.iter_mut()
    }

    /// Sorts by `key`.
    pub fn sort_by_key<K: Ord>(&mut self, key: impl FnMut(&Relation) -> K) {
        self.index.get_mut().all_dirty = true;
        self.items.sort_by_key(key);
    }

    /// Sorts with `compare`.
    pub fn sort_by(&mut self, compare: impl FnMut(&Relation, &Relation) -> std::cmp::Ordering) {
        self.index.get_mut().all_dirty = true;
        self.items.sort_by(compare);
    }

    /// Keeps the relations `keep` says to.
    pub fn retain(&mut self, keep: impl FnMut(&Relation) -> bool) {
        self.index.get_mut().all_dirty = true;
        self.items.retain(keep);
    }
}

impl Deref for Relations {
    type Target = [Relation];

    fn deref(&self) -> &[Relation] {
        &self.items
    }
}

impl Index<usize> for Relations {
    type Output = Relation;

    fn index(&self, i: usize) -> &Relation {
        &self.items[i]
    }
}

impl IndexMut<usize> for Relations {
    fn index_mut(&mut self, i: usize) -> &mut Relation {
        self.index.get_mut().dirty.insert(i);
        &mut self.items[i]
    }
}

impl<'a> IntoIterator for &'a Relations {
    type Item = &'a Relation;
    type IntoIter = std::slice::Iter<'a, Relation>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a> IntoIterator for &'a mut Relations {
    type Item = &'a mut Relation;
    type IntoIter = std::slice::IterMut<'a, Relation>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl From<Vec<Relation>> for Relations {
    fn from(items: Vec<Relation>) -> Self {
        Relations {
            items,
            index: RefCell::new(NameIndex {
                all_dirty: true,
                ..NameIndex::default()
            }),
        }
    }
}

impl FromIterator<Relation> for Relations {
    fn from_iter<I: IntoIterator<Item = Relation>>(iter: I) -> Self {
        Relations::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl PartialEq for Relations {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl Eq for Relations {}

impl std::fmt::Debug for Relations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl Serialize for Relations {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Relations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Relation>::deserialize(deserializer).map(Relations::from)
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
