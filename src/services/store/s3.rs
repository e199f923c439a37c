//! The S3-compatible store (`HANDOFF_STORE_URL=s3://bucket/prefix`), through the
//! `object_store` crate. Its calls are async; the app's services are not (they run on the
//! blocking pool, inside database transactions), so every call is handed to one small
//! runtime owned by this module and waited for. Nothing here runs on an actix worker.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::NaiveDateTime;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientConfigKey, ObjectStore, PutPayload, RetryConfig};

use crate::error::{AppError, AppResult};

/// Where an `s3://` store keeps its objects, and the connection settings beyond the
/// `AWS_*` environment (tests pass the endpoint and credentials here, not by environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket` or `s3://bucket/some/prefix`.
    pub fn parse(url: &str) -> Result<S3Location, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("{url}: a store URL starts with s3:// or is a folder"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("{url}: the bucket name is missing"));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }
}

/// One runtime for every S3 call of the process: created on first use and never dropped
/// (dropping a runtime from inside another one panics, and tests build many stores).
fn runtime() -> AppResult<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("object-store")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| AppError::Internal(anyhow::anyhow!("starting the object store runtime: {e}")))
}

/// Runs `fut` on the store's runtime and waits for it. Called from blocking threads only.
fn wait<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> AppResult<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("the object store call was dropped")))
}

/// A store error as the app reports it: a missing object is the caller's business, the
/// rest means the store is unreachable or refusing, which is a 503 ("the file store").
fn unavailable(e: object_store::Error) -> AppError {
    AppError::Unavailable(format!("file store: {e}"))
}

/// An S3 bucket (and prefix) holding the files.
#[derive(Debug)]
pub struct S3Store {
    client: Arc<AmazonS3>,
    prefix: String,
}

impl S3Store {
    /// Connects lazily: building checks the settings only; the first call reaches the
    /// server. `options` are `object_store` configuration keys (`aws_endpoint`, ...)
    /// applied over the `AWS_*` environment.
    pub fn new(url: &str, options: &[(String, String)]) -> anyhow::Result<S3Store> {
        let loc = S3Location::parse(url).map_err(|e| anyhow::anyhow!(e))?;
        // An outage must answer within seconds (a 503 page, the typed text kept), not
        // after the crate's default three minutes of retries. Set through the config keys,
        // not `with_client_options`, which would drop AWS_ALLOW_HTTP and the like.
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(&loc.bucket)
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                "2s",
            )
            .with_config(AmazonS3ConfigKey::Client(ClientConfigKey::Timeout), "60s")
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
            });
        for (k, v) in options {
            let key: AmazonS3ConfigKey = k
                .parse()
                .map_err(|e| anyhow::anyhow!("store option {k}: {e}"))?;
            b = b.with_config(key, v);
        }
        let client = b.build()?;
        Ok(S3Store {
            client: Arc::new(client),
            prefix: loc.prefix,
        })
    }

    fn path(&self, key: &str) -> AppResult<ObjectPath> {
        let full = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        };
        ObjectPath::parse(&full)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("object name {key}: {e}")))
    }

    /// Writes one whole object.
    pub fn put(&self, key: &str, bytes: Vec<u8>) -> AppResult<()> {
        let (client, path) = (self.client.clone(), self.path(key)?);
        wait(async move { client.put(&path, PutPayload::from(bytes)).await })?
            .map(drop)
            .map_err(unavailable)
    }

    /// Reads one whole object; `None` when there is none.
    pub fn get(&self, key: &str) -> AppResult<Option<Vec<u8>>> {
        let (client, path) = (self.client.clone(), self.path(key)?);
        match wait(async move {
            match client.get(&path).await {
                Ok(r) => r.bytes().await,
                Err(e) => Err(e),
            }
        })? {
            Ok(b) => Ok(Some(b.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Opens an object for reading in chunks: its size, and a channel the chunks arrive
    /// on, a few at a time (the sender waits while the reader is behind, so a download
    /// never holds the whole file).
    pub fn open(
        &self,
        key: &str,
    ) -> AppResult<(u64, tokio::sync::mpsc::Receiver<AppResult<Vec<u8>>>)> {
        let (client, path) = (self.client.clone(), self.path(key)?);
        let got = wait(async move { client.get(&path).await })?.map_err(|e| match e {
            // The row says the object exists: one that is missing is a fault, not a 404.
            object_store::Error::NotFound { .. } => {
                AppError::Internal(anyhow::anyhow!("stored object missing: {e}"))
            }
            e => unavailable(e),
        })?;
        let size = got.meta.size;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        runtime()?.spawn(async move {
            let mut chunks = got.into_stream();
            while let Some(c) = chunks.next().await {
                let failed = c.is_err();
                if tx
                    .send(c.map(|b| b.to_vec()).map_err(unavailable))
                    .await
                    .is_err()
                    || failed
                {
                    break;
                }
            }
        });
        Ok((size, rx))
    }

    /// Deletes an object; one already gone is fine.
    pub fn delete(&self, key: &str) -> AppResult<()> {
        let (client, path) = (self.client.clone(), self.path(key)?);
        match wait(async move { client.delete(&path).await })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Deletes an object without waiting (an upload refused after it was written).
    pub fn delete_later(&self, key: &str) {
        let (client, Ok(path)) = (self.client.clone(), self.path(key)) else {
            return;
        };
        if let Ok(rt) = runtime() {
            rt.spawn(async move {
                if let Err(e) = client.delete(&path).await {
                    log::warn!("removing an unused stored object: {e}");
                }
            });
        }
    }

    /// The objects under `sub` (relative to the store's prefix; "" for all), with their
    /// names relative to the prefix and their last-modified times (UTC).
    pub fn list(&self, sub: &str) -> AppResult<Vec<(String, NaiveDateTime)>> {
        let client = self.client.clone();
        let base = self.prefix.clone();
        let under = match (base.is_empty(), sub.trim_matches('/')) {
            (_, "") if base.is_empty() => None,
            (_, "") => Some(ObjectPath::from(base.as_str())),
            (true, s) => Some(ObjectPath::from(s)),
            (false, s) => Some(ObjectPath::from(format!("{base}/{s}").as_str())),
        };
        let metas = wait(async move {
            let mut out = Vec::new();
            let mut s = client.list(under.as_ref());
            while let Some(m) = s.next().await {
                out.push(m?);
            }
            Ok::<_, object_store::Error>(out)
        })?
        .map_err(unavailable)?;
        let strip = if base.is_empty() {
            String::new()
        } else {
            format!("{base}/")
        };
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let name = m
                    .location
                    .as_ref()
                    .strip_prefix(strip.as_str())?
                    .to_string();
                Some((name, m.last_modified.naive_utc()))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_url_names_a_bucket_and_an_optional_prefix() {
        assert_eq!(
            S3Location::parse("s3://clinic-files/handoff/prod/"),
            Ok(S3Location {
                bucket: "clinic-files".into(),
                prefix: "handoff/prod".into()
            })
        );
        assert_eq!(
            S3Location::parse("s3://clinic-files").map(|l| l.prefix),
            Ok(String::new())
        );
        assert!(S3Location::parse("s3:///x").is_err());
        assert!(S3Location::parse("/var/lib/handoff").is_err());
    }
}
