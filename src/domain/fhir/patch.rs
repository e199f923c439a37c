//! JSON Patch (RFC 6902) on a resource: what a `PATCH` of a Task applies before the result
//! is read like a `PUT`.

use serde_json::Value;

use super::inbound::Refused;

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Applies a JSON Patch (RFC 6902: add, replace, remove, test) to `doc`.
pub fn apply_patch(doc: &mut Value, ops: &Value) -> Result<(), Refused> {
    let bad = |m: String| Refused::Malformed(m);
    let ops = ops
        .as_array()
        .ok_or_else(|| bad("A JSON Patch is an array of operations.".into()))?;
    for op in ops {
        let path = s(op, "path");
        let (parent_path, last) = path
            .rsplit_once('/')
            .ok_or_else(|| bad(format!("\"{path}\" is not a JSON Pointer.")))?;
        let last = last.replace("~1", "/").replace("~0", "~");
        let value = op.get("value").cloned();
        let kind = s(op, "op");
        if kind == "test" {
            if doc.pointer(path) != value.as_ref() {
                return Err(Refused::Unprocessable(format!("test failed at {path}")));
            }
            continue;
        }
        let parent = doc
            .pointer_mut(parent_path)
            .ok_or_else(|| bad(format!("{path}: no such place in the Task.")))?;
        match (kind, parent) {
            ("add" | "replace", Value::Object(m)) => {
                let v = value.ok_or_else(|| bad(format!("{kind} {path} needs a value.")))?;
                if kind == "replace" && !m.contains_key(&last) {
                    return Err(bad(format!("replace {path}: nothing there to replace.")));
                }
                m.insert(last, v);
            }
            ("add", Value::Array(a)) => {
                let v = value.ok_or_else(|| bad(format!("add {path} needs a value.")))?;
                match last.as_str() {
                    "-" => a.push(v),
                    i => {
                        let i: usize = i
                            .parse()
                            .map_err(|_| bad(format!("{path}: not an index.")))?;
                        if i > a.len() {
                            return Err(bad(format!("{path}: past the end.")));
                        }
                        a.insert(i, v);
                    }
                }
            }
            ("replace", Value::Array(a)) => {
                let v = value.ok_or_else(|| bad(format!("replace {path} needs a value.")))?;
                let slot = last
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get_mut(i))
                    .ok_or_else(|| bad(format!("{path}: no such element.")))?;
                *slot = v;
            }
            ("remove", Value::Object(m)) => {
                m.remove(&last)
                    .ok_or_else(|| bad(format!("remove {path}: nothing there.")))?;
            }
            ("remove", Value::Array(a)) => {
                let i = last
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < a.len())
                    .ok_or_else(|| bad(format!("{path}: no such element.")))?;
                a.remove(i);
            }
            (other, _) => {
                return Err(bad(format!(
                    "\"{other}\" at {path}: the server applies add, replace, remove and test."
                )));
            }
        }
    }
    Ok(())
}
