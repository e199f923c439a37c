//! Sends a stored file as a download, streamed in chunks from the object store so a large
//! file never sits whole in memory and the disk is read on the blocking pool.

use actix_web::HttpResponse;
use actix_web::body::SizedStream;
use actix_web::http::header;
use actix_web::web::{self, Bytes};

use crate::error::{AppError, AppResult};
use crate::services::store::{FileAt, StoredFile};

/// A 200 attachment response with the file at `file` (a place a service handed out).
/// A file that cannot be opened is a 500 (or 503, the store being out) before anything
/// is sent.
pub async fn attachment(
    file: FileAt,
    content_type: &str,
    filename: String,
) -> AppResult<HttpResponse> {
    let opened = web::block(move || file.open()).await??;
    let size = opened.size();
    let chunks = futures_util::stream::try_unfold(opened, |mut f: StoredFile| async move {
        let (f, chunk) = web::block(move || {
            let chunk = f.next_chunk();
            (f, chunk)
        })
        .await?;
        // The status line is already sent: all that is left is to log and cut the body.
        let chunk = chunk.inspect_err(|e| log::error!("download cut short: {e}"))?;
        Ok::<_, AppError>(chunk.map(|c| (Bytes::from(c), f)))
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(filename)],
        })
        .body(SizedStream::new(size, chunks)))
}
