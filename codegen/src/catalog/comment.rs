//! `COMMENT ON TABLE|VIEW|MATERIALIZED VIEW|COLUMN|TYPE|DOMAIN`.

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::catalog::proof::{Condition, Proof};
use crate::sql::QualifiedName;
use crate::sql::ddl::CommentTarget;

impl Fold {
    /// Sets (or, with `IS NULL`, clears) a comment.
    pub(crate) fn comment_on(&mut self, target: CommentTarget, name: &[String], text: Option<&str>) {
        let text = text.map(str::to_string);
        match target {
            CommentTarget::Table | CommentTarget::View | CommentTarget::MaterializedView => {
                let Some(relation) = qualified(name) else {
                    return self.reject(
                        Proof::rule(Condition::SyntaxError),
                        "COMMENT ON needs a relation name",
                    );
                };
                let Some(i) = self.require_relation(&relation) else {
                    return self.reject(
                        Proof::absent(Condition::UndefinedTable, &relation),
                        format!("relation {relation} does not exist"),
                    );
                };
                let expected = match target {
                    CommentTarget::Table => RelationKind::Table,
                    CommentTarget::View => RelationKind::View,
                    _ => RelationKind::MaterializedView,
                };
                let actual = match self.catalog.tables[i].kind {
                    RelationKind::ForeignTable => RelationKind::Table,
                    kind => kind,
                };
                if actual != expected {
                    let proof = self.on_relation(Condition::WrongObjectType, i);
                    return self.reject(proof, format!("{relation} is not a {expected:?}").to_lowercase());
                }
                self.catalog.tables[i].comment = text;
            }
            CommentTarget::Column => {
                let (relation, column) = match name {
                    [table, column] => (QualifiedName::bare(table.clone()), column),
                    [.., schema, table, column] => (
                        QualifiedName {
                            schema: Some(schema.clone()),
                            name: table.clone(),
                        },
                        column,
                    ),
                    _ => {
                        return self.reject(
                            Proof::rule(Condition::SyntaxError),
                            "COMMENT ON COLUMN needs table.column",
                        );
                    }
                };
                let Some(i) = self.require_relation(&relation) else {
                    // A composite type's attributes take comments too; the catalog does not
                    // keep them.
                    if let Some(schema) = self.find_type_schema(&relation)
                        && let Some(c) = self
                            .catalog
                            .composite_types
                            .iter()
                            .find(|c| c.schema == schema && c.name == relation.name)
                    {
                        if !c.attributes.iter().any(|a| &a.name == column) {
                            let proof = Proof::known(Condition::UndefinedColumn, &schema, &relation.name);
                            self.reject(proof, format!("column {column} of {relation} does not exist"));
                        }
                        return;
                    }
                    return self.reject(
                        Proof::absent(Condition::UndefinedTable, &relation),
                        format!("relation {relation} does not exist"),
                    );
                };
                match self.catalog.tables[i]
                    .columns
                    .iter_mut()
                    .find(|c| &c.name == column)
                {
                    Some(c) => c.comment = text,
                    None => self.missing_column(i, column),
                }
            }
            CommentTarget::Type | CommentTarget::Domain => {
                let Some(ty) = qualified(name) else {
                    return self.reject(
                        Proof::rule(Condition::SyntaxError),
                        "COMMENT ON TYPE needs a type name",
                    );
                };
                let Some(schema) = self.find_type_schema(&ty) else {
                    if ty.schema.as_deref().is_none_or(|s| s == "pg_catalog")
                        && crate::catalog::types::is_builtin(&ty.name)
                    {
                        return;
                    }
                    return self.reject(
                        Proof::absent(Condition::UndefinedObject, &ty),
                        format!("type {ty} does not exist"),
                    );
                };
                if let Some(e) = self
                    .catalog
                    .enums
                    .iter_mut()
                    .find(|e| e.schema == schema && e.name == ty.name)
                {
                    e.comment = text;
                } else if let Some(c) = self
                    .catalog
                    .composite_types
                    .iter_mut()
                    .find(|c| c.schema == schema && c.name == ty.name)
                {
                    c.comment = text;
                }
                // Domains and other types have no comment in the catalog.
            }
            CommentTarget::Other => {}
        }
    }
}

fn qualified(name: &[String]) -> Option<QualifiedName> {
    match name {
        [name] => Some(QualifiedName::bare(name.clone())),
        [.., schema, name] => Some(QualifiedName {
            schema: Some(schema.clone()),
            name: name.clone(),
        }),
        [] => None,
    }
}
