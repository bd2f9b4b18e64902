//! `COMMENT ON TABLE|VIEW|MATERIALIZED VIEW|COLUMN|TYPE|DOMAIN`.

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::sql::QualifiedName;
use crate::sql::ddl::CommentTarget;

impl Fold {
    /// Sets (or, with `IS NULL`, clears) a comment.
    pub(crate) fn comment_on(&mut self, target: CommentTarget, name: &[String], text: Option<&str>) {
        let text = text.map(str::to_string);
        match target {
            CommentTarget::Table | CommentTarget::View | CommentTarget::MaterializedView => {
                let Some(relation) = qualified(name) else {
                    return self.error("COMMENT ON needs a relation name");
                };
                let Some(i) = self.find_relation(&relation) else {
                    return self.error(format!("relation {relation} does not exist"));
                };
                let expected = match target {
                    CommentTarget::Table => RelationKind::Table,
                    CommentTarget::View => RelationKind::View,
                    _ => RelationKind::MaterializedView,
                };
                if self.catalog.tables[i].kind != expected {
                    return self.error(format!("{relation} is not a {expected:?}").to_lowercase());
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
                    _ => return self.error("COMMENT ON COLUMN needs table.column"),
                };
                let Some(i) = self.find_relation(&relation) else {
                    return self.error(format!("relation {relation} does not exist"));
                };
                match self.catalog.tables[i]
                    .columns
                    .iter_mut()
                    .find(|c| &c.name == column)
                {
                    Some(c) => c.comment = text,
                    None => self.error(format!("column {column} of {relation} does not exist")),
                }
            }
            CommentTarget::Type | CommentTarget::Domain => {
                let Some(ty) = qualified(name) else {
                    return self.error("COMMENT ON TYPE needs a type name");
                };
                let schema = Self::schema_of(&ty);
                if let Some(e) = self
                    .catalog
                    .enums
                    .iter_mut()
                    .find(|e| e.schema == schema && e.name == ty.name)
                {
                    e.comment = text;
                } else if !self
                    .catalog
                    .domains
                    .iter()
                    .any(|d| d.schema == schema && d.name == ty.name)
                    && !self.other_types.contains(&(schema, ty.name.clone()))
                {
                    self.error(format!("type {ty} does not exist"));
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
