//! Benchmark peer: what a user could run instead of realtime-board-api for its hottest
//! reads, written the way a Rust service commonly is: hyper 0.14 on a multi-threaded
//! tokio runtime, rusqlite on the system SQLite, everything from Debian's packaged
//! crates. It serves from the database the service created (its schema, its rows):
//!
//!   GET /api/boards/{id}           the bearer token's SHA-256 (lowercase hex, as the
//!                                  service stores it in sessions.token_hash) looked up
//!                                  with its user, then the board joined with the
//!                                  caller's membership: the service's two statements.
//!   GET /api/boards/{id}/elements  the same authentication, the caller's role, then one
//!                                  page of elements (`limit` 1..100, default 100;
//!                                  `cursor` as the service gives it out): the
//!                                  service's three statements, the same JSON.
//!   GET /health
//!
//! Each tokio worker thread opens its own read connection on first use (busy_timeout
//! 5 s, query_only, as the service's readers) and keeps its statements prepared; the
//! statements run on the worker itself. PEER_DB_HOP=1 instead hands each request's
//! statements to tokio's blocking pool (one connection per pool thread), as the service
//! hands its statements to database threads.
//!
//! Environment:
//!   PEER_DB       path of the service's SQLite database (required)
//!   PEER_PORT     port on 127.0.0.1 (0 picks a free one)                 [0]
//!   PEER_THREADS  tokio worker threads                         [available cores]
//!   PEER_DB_HOP   1: statements on the blocking pool                     [0]
//! Prints "ready port=N" once it listens; SIGTERM stops it.

use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, Server, StatusCode};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

// The service's statements, word for word (src/storage/sqlite/), with positional
// parameters.
const USER_BY_TOKEN: &str = "SELECT u.id, u.username, u.created_at, s.expires_at FROM sessions \
     s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1";
const FIND_FOR_MEMBER: &str = "SELECT b.id, b.name, b.description, b.owner_id, b.created_at, \
     b.updated_at, m.role FROM boards b JOIN board_members m ON m.board_id = b.id WHERE b.id = \
     ?1 AND m.user_id = ?2";
const ROLE_OF: &str = "SELECT role FROM board_members WHERE board_id = ?1 AND user_id = ?2";
const LIST_ELEMENTS: &str = "SELECT id, board_id, kind, x, y, width, height, rotation, z_index, \
     style, text, version, created_by, created_at, updated_at FROM elements WHERE board_id = ?1 \
     AND (z_index, id) > (?2, ?3) ORDER BY z_index, id LIMIT ?4";

const TOKEN_MAX_LENGTH: usize = 128;
const PAGE_LIMIT_MAX: i64 = 100;
const PAGE_LIMIT_DEFAULT: i64 = 100;

struct Config {
    db_path: String,
    hop: bool,
}

thread_local! {
    // This thread's read connection, opened on its first request.
    static DB: RefCell<Option<Connection>> = RefCell::new(None);
}

fn open(path: &str) -> rusqlite::Result<Connection> {
    // One connection per thread, never shared: SQLite's own mutex is not needed.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_millis(5000))?;
    conn.execute_batch("PRAGMA query_only=ON")?;
    Ok(conn)
}

fn with_db<T>(
    path: &str,
    work: impl FnOnce(&Connection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    DB.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(open(path).map_err(ApiError::internal)?);
        }
        work(slot.as_ref().expect("opened above"))
    })
}

// ---- errors -----------------------------------------------------------------------

struct FieldError {
    field: &'static str,
    message: String,
}

struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
    bearer_hint: bool,
    details: Vec<FieldError>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: &'static str) -> Self {
        ApiError {
            status,
            code,
            message,
            bearer_hint: false,
            details: Vec::new(),
        }
    }
    fn unauthorized(message: &'static str) -> Self {
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message);
        error.bearer_hint = true;
        error
    }
    fn not_found(message: &'static str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    fn invalid(message: &'static str, details: Vec<FieldError>) -> Self {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        );
        error.details = details;
        error
    }
    fn internal(error: impl fmt::Display) -> Self {
        eprintln!("internal error: {}", error);
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        ApiError::internal(error)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorFields<'a>,
}

#[derive(Serialize)]
struct ErrorFields<'a> {
    code: &'a str,
    message: &'a str,
    request_id: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<DetailJson<'a>>,
}

#[derive(Serialize)]
struct DetailJson<'a> {
    field: &'a str,
    message: &'a str,
}

// ---- JSON values as the service writes them ---------------------------------------

/// A number as the service writes it: a whole number as a JSON integer, anything else
/// as a double.
struct Number(f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const EXACT_INTEGER_LIMIT: f64 = 9007199254740992.0; // 2^53
        let value = self.0;
        if value.trunc() == value && value.abs() <= EXACT_INTEGER_LIMIT {
            serializer.serialize_i64(value as i64)
        } else {
            serializer.serialize_f64(value)
        }
    }
}

/// Unix milliseconds written as RFC 3339 UTC with milliseconds ("2026-12-04T09:52:45.936Z").
struct Time(i64);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = date_of(days);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            year,
            month,
            day,
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
            millis
        )
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01, by 400-year eras
/// (146,097 days each) starting on March 1 so that the leap day ends a year.
fn date_of(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468; // days from 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[derive(Serialize)]
struct BoardJson {
    id: i64,
    name: String,
    description: String,
    owner_id: i64,
    role: String,
    created_at: Time,
    updated_at: Time,
}

#[derive(Serialize)]
struct ElementJson {
    id: i64,
    board_id: i64,
    kind: String,
    x: Number,
    y: Number,
    width: Number,
    height: Number,
    rotation: Number,
    z_index: i64,
    style: serde_json::Value,
    text: String,
    version: i64,
    created_by: i64,
    created_at: Time,
    updated_at: Time,
}

#[derive(Serialize)]
struct ElementPage {
    elements: Vec<ElementJson>,
    next_cursor: Option<String>,
}

// ---- cursors: the service's encoding (hex of "e:<z_index>:<id>") ------------------

fn encode_cursor(z_index: i64, id: i64) -> String {
    let plain = format!("e:{}:{}", z_index, id);
    let mut hex = String::with_capacity(plain.len() * 2);
    for byte in plain.bytes() {
        hex.push_str(&format!("{:02x}", byte));
    }
    hex
}

fn decode_cursor(cursor: &str) -> Option<(i64, i64)> {
    if cursor.is_empty() || cursor.len() % 2 != 0 || cursor.len() > 128 {
        return None;
    }
    let mut plain = Vec::with_capacity(cursor.len() / 2);
    for pair in cursor.as_bytes().chunks(2) {
        let text = std::str::from_utf8(pair).ok()?;
        if text
            .bytes()
            .any(|c| !matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        plain.push(u8::from_str_radix(text, 16).ok()?);
    }
    let plain = String::from_utf8(plain).ok()?;
    let rest = plain.strip_prefix("e:")?;
    let (major, minor) = rest.split_once(':')?;
    Some((parse_integer(major)?, parse_integer(minor)?))
}

/// A decimal integer as std::from_chars reads it: an optional '-' and digits only.
fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

// ---- the routes -------------------------------------------------------------------

/// What a route needs of the request, owned so that it can move to another thread.
struct Call {
    method: Method,
    path: String,
    query: Option<String>,
    authorization: Option<Vec<u8>>,
}

enum Answer {
    Json(StatusCode, Vec<u8>),
    Error(ApiError),
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn bearer_token(authorization: Option<&[u8]>) -> Result<&str, ApiError> {
    let value = match authorization {
        Some(value) if !value.is_empty() => value,
        _ => {
            let mut error =
                ApiError::unauthorized("this request needs Authorization: Bearer <token>");
            error.bearer_hint = false;
            return Err(error);
        }
    };
    let scheme_matches =
        value.len() > 6 && value[6] == b' ' && value[..6].eq_ignore_ascii_case(b"bearer");
    if !scheme_matches {
        return Err(ApiError::unauthorized(
            "the Authorization header must use the Bearer scheme",
        ));
    }
    let token = std::str::from_utf8(&value[7..])
        .map_err(|_| ApiError::unauthorized("missing, invalid or expired token"))?
        .trim_matches(' ');
    if token.is_empty() {
        return Err(ApiError::unauthorized("the Bearer token is empty"));
    }
    Ok(token)
}

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        hex.push(HEX[(byte >> 4) as usize] as char);
        hex.push(HEX[(byte & 0xF) as usize] as char);
    }
    hex
}

/// The caller's user id, from the session the token names (AccountService::authenticate).
fn authenticate(conn: &Connection, token: &str) -> Result<i64, ApiError> {
    let invalid = || ApiError::unauthorized("missing, invalid or expired token");
    if token.len() > TOKEN_MAX_LENGTH {
        return Err(invalid());
    }
    let hash = token_hash(token);
    let mut statement = conn.prepare_cached(USER_BY_TOKEN)?;
    let found = statement
        .query_row([&hash], |row| {
            let id: i64 = row.get(0)?;
            let _username: String = row.get(1)?;
            let _created_at: i64 = row.get(2)?;
            let expires_at: i64 = row.get(3)?;
            Ok((id, expires_at))
        })
        .optional()?;
    match found {
        Some((id, expires_at)) if expires_at > now_millis() => Ok(id),
        _ => Err(invalid()),
    }
}

fn path_id(text: &str) -> Result<i64, ApiError> {
    match parse_integer(text) {
        Some(id) if id > 0 => Ok(id),
        _ => Err(ApiError::not_found("board not found")),
    }
}

fn board_read(conn: &Connection, token: &str, board_id: i64) -> Result<Answer, ApiError> {
    let user_id = authenticate(conn, token)?;
    let mut statement = conn.prepare_cached(FIND_FOR_MEMBER)?;
    let board = statement
        .query_row([board_id, user_id], |row| {
            Ok(BoardJson {
                id: row.get(0)?,
                name: row.get(1)?,
                description: row.get(2)?,
                owner_id: row.get(3)?,
                created_at: Time(row.get(4)?),
                updated_at: Time(row.get(5)?),
                role: row.get(6)?,
            })
        })
        .optional()?;
    let board = board.ok_or_else(|| ApiError::not_found("board not found"))?;
    Ok(Answer::Json(
        StatusCode::OK,
        serde_json::to_vec(&board).map_err(ApiError::internal)?,
    ))
}

struct Page {
    limit: i64,
    after: (i64, i64),
}

/// `limit` and `cursor` from the query, checked before authentication as the service
/// does (api::read_page); the limit's range is checked after it (validation::check_page).
fn read_page(query: Option<&str>) -> Result<Page, ApiError> {
    let mut page = Page {
        limit: PAGE_LIMIT_DEFAULT,
        after: (i64::MIN, i64::MIN),
    };
    let mut errors = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "limit" => match parse_integer(value) {
                Some(limit) => page.limit = limit,
                None => errors.push(FieldError {
                    field: "limit",
                    message: format!(
                        "must be a decimal integer, not '{}'",
                        &value[..value.len().min(32)]
                    ),
                }),
            },
            "cursor" => match decode_cursor(value) {
                Some(after) => page.after = after,
                None => errors.push(FieldError {
                    field: "cursor",
                    message: "is not a cursor of this list; pass next_cursor as given".to_string(),
                }),
            },
            "offset" => errors.push(FieldError {
                field: "offset",
                message: "is not supported: pages follow next_cursor (as cursor)".to_string(),
            }),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid("invalid query parameters", errors));
    }
    Ok(page)
}

fn element_list(
    conn: &Connection,
    token: &str,
    board_id: i64,
    page: Page,
) -> Result<Answer, ApiError> {
    let user_id = authenticate(conn, token)?;
    if page.limit < 1 || page.limit > PAGE_LIMIT_MAX {
        return Err(ApiError::invalid(
            "the request has invalid fields",
            vec![FieldError {
                field: "limit",
                message: format!("must be between 1 and {}", PAGE_LIMIT_MAX),
            }],
        ));
    }
    let role: Option<String> = conn
        .prepare_cached(ROLE_OF)?
        .query_row([board_id, user_id], |row| row.get(0))
        .optional()?;
    if role.is_none() {
        return Err(ApiError::not_found("board not found"));
    }
    let mut statement = conn.prepare_cached(LIST_ELEMENTS)?;
    let mut rows = statement.query([board_id, page.after.0, page.after.1, page.limit + 1])?;
    let mut elements: Vec<ElementJson> = Vec::new();
    let mut next_cursor = None;
    while let Some(row) = rows.next()? {
        if elements.len() as i64 == page.limit {
            let last = elements.last().expect("limit is at least 1");
            next_cursor = Some(encode_cursor(last.z_index, last.id));
            break;
        }
        let style: String = row.get(9)?;
        let style: serde_json::Value = serde_json::from_str(&style).map_err(ApiError::internal)?;
        if !style.is_object() {
            return Err(ApiError::internal("element style is not an object"));
        }
        elements.push(ElementJson {
            id: row.get(0)?,
            board_id: row.get(1)?,
            kind: row.get(2)?,
            x: Number(row.get(3)?),
            y: Number(row.get(4)?),
            width: Number(row.get(5)?),
            height: Number(row.get(6)?),
            rotation: Number(row.get(7)?),
            z_index: row.get(8)?,
            style,
            text: row.get(10)?,
            version: row.get(11)?,
            created_by: row.get(12)?,
            created_at: Time(row.get(13)?),
            updated_at: Time(row.get(14)?),
        });
    }
    let body = ElementPage {
        elements,
        next_cursor,
    };
    Ok(Answer::Json(
        StatusCode::OK,
        serde_json::to_vec(&body).map_err(ApiError::internal)?,
    ))
}

fn route(call: &Call, db_path: &str) -> Answer {
    match route_or_fail(call, db_path) {
        Ok(answer) => answer,
        Err(error) => Answer::Error(error),
    }
}

fn route_or_fail(call: &Call, db_path: &str) -> Result<Answer, ApiError> {
    if call.path == "/health" {
        return Ok(Answer::Json(StatusCode::OK, br#"{"status":"ok"}"#.to_vec()));
    }
    let rest = call
        .path
        .strip_prefix("/api/boards/")
        .ok_or_else(|| ApiError::not_found("no such route"))?;
    let (id_text, list) = match rest.split_once('/') {
        None => (rest, false),
        Some((id, "elements")) => (id, true),
        Some(_) => return Err(ApiError::not_found("no such route")),
    };
    if call.method != Method::GET {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        ));
    }
    let token = bearer_token(call.authorization.as_deref())?;
    let board_id = path_id(id_text)?;
    if list {
        let page = read_page(call.query.as_deref())?;
        with_db(db_path, |conn| element_list(conn, token, board_id, page))
    } else {
        with_db(db_path, |conn| board_read(conn, token, board_id))
    }
}

fn request_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn respond(answer: Answer, request_id: String) -> Response<Body> {
    let (status, body, bearer_hint) = match answer {
        Answer::Json(status, body) => (status, body, false),
        Answer::Error(error) => {
            let details = error
                .details
                .iter()
                .map(|d| DetailJson {
                    field: d.field,
                    message: &d.message,
                })
                .collect();
            let body = ErrorBody {
                error: ErrorFields {
                    code: error.code,
                    message: error.message,
                    request_id: &request_id,
                    details,
                },
            };
            (
                error.status,
                serde_json::to_vec(&body).unwrap_or_default(),
                error.bearer_hint,
            )
        }
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", value);
    }
    if bearer_hint {
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"realtime-board\", error=\"invalid_token\""),
        );
    }
    response
}

async fn handle(request: Request<Body>, config: Arc<Config>) -> Result<Response<Body>, Infallible> {
    let id = request_id();
    let call = Call {
        method: request.method().clone(),
        path: request.uri().path().to_string(),
        query: request.uri().query().map(str::to_string),
        authorization: request
            .headers()
            .get(AUTHORIZATION)
            .map(|v| v.as_bytes().to_vec()),
    };
    let answer = if config.hop {
        let moved = config.clone();
        match tokio::task::spawn_blocking(move || route(&call, &moved.db_path)).await {
            Ok(answer) => answer,
            Err(error) => Answer::Error(ApiError::internal(error)),
        }
    } else {
        route(&call, &config.db_path)
    };
    Ok(respond(answer, id))
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn main() {
    let db_path = std::env::var("PEER_DB").unwrap_or_default();
    if db_path.is_empty() {
        eprintln!("PEER_DB (the service's SQLite database) is required");
        std::process::exit(2);
    }
    let port: u16 = env_or("PEER_PORT", "0")
        .parse()
        .expect("PEER_PORT must be a port number");
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let threads: usize = env_or("PEER_THREADS", &cores.to_string())
        .parse()
        .expect("PEER_THREADS must be a number");
    let hop = env_or("PEER_DB_HOP", "0") == "1";
    let config = Arc::new(Config { db_path, hop });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let bound = listener.local_addr().expect("local address").port();
        let make_service = make_service_fn(move |_connection| {
            let config = config.clone();
            async move {
                Ok::<_, Infallible>(service_fn(move |request| handle(request, config.clone())))
            }
        });
        let server = Server::from_tcp(listener)
            .expect("listener")
            .tcp_nodelay(true)
            .serve(make_service);
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler");
        println!(
            "ready port={} threads={} db_hop={}",
            bound,
            threads,
            if hop { 1 } else { 0 }
        );
        let _ = std::io::stdout().flush();
        let stopping = server.with_graceful_shutdown(async move {
            terminate.recv().await;
        });
        if let Err(error) = stopping.await {
            eprintln!("server error: {}", error);
        }
    });
}
