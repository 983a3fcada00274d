//! The answers file read as JSON that refuses a key given twice in one object. serde_json keeps
//! the last of two and says nothing, so `{"item": "a", "value": "x", "value": "y"}` would set
//! "y" without a word: here it is refused, naming the row and the key.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

/// Parses `text` as JSON; a duplicate key is refused with a sentence naming where it is, any
/// other problem as "not valid JSON: ...".
pub(super) fn from_str(text: &str) -> Result<Json, String> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Strict {
        place: Place::Top,
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|doc| de.end().map(|()| doc));
    parsed.map_err(|e| {
        duplicate
            .into_inner()
            .unwrap_or_else(|| format!("not valid JSON: {e}"))
    })
}

/// Where an object sits in the file, for naming a duplicate key in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    /// The value of the top-level "answers".
    Answers,
    /// Row `n` (1-based) of "answers".
    Row(usize),
    Inside,
}

struct Strict<'a> {
    place: Place,
    /// The sentence for a duplicate key, set before the parse is stopped with an error.
    duplicate: &'a RefCell<Option<String>>,
}

impl Strict<'_> {
    fn at(&self, place: Place) -> Strict<'_> {
        Strict {
            place,
            duplicate: self.duplicate,
        }
    }

    fn sentence(&self, key: &str, map: &Map<String, Json>) -> String {
        match (self.place, map.get("item")) {
            (Place::Top, _) => {
                format!("the file gives \"{key}\" twice at the top level; give it once")
            }
            (Place::Row(n), Some(Json::String(item))) if key != "item" => {
                format!(
                    "answer {n} (item \"{item}\") gives \"{key}\" twice; a row gives each key once"
                )
            }
            (Place::Row(n), _) => {
                format!("answer {n} gives \"{key}\" twice; a row gives each key once")
            }
            (Place::Answers | Place::Inside, _) => {
                format!("\"{key}\" is given twice in one object; give each key once")
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Json;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // JSON text holds no NaN or infinity, so this is always a number.
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        loop {
            let place = match self.place {
                Place::Answers => Place::Row(out.len() + 1),
                _ => Place::Inside,
            };
            match seq.next_element_seed(self.at(place))? {
                Some(v) => out.push(v),
                None => return Ok(Json::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Json, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let place = match (self.place, key.as_str()) {
                (Place::Top, "answers") => Place::Answers,
                _ => Place::Inside,
            };
            let value = access.next_value_seed(self.at(place))?;
            if map.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(self.sentence(&key, &map));
                return Err(de::Error::custom(format!("duplicate key \"{key}\"")));
            }
            map.insert(key, value);
        }
        Ok(Json::Object(map))
    }
}
