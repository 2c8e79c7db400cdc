// SQLite persistence for jobs, result rows, leads and list members. Statements used per row
// are prepared once and cached; everything runs under one mutex on one connection.
#include "mkbulk/sandbox/store.h"

#include <ctime>
#include <stdexcept>

#include <sqlite3.h>

namespace mkbulk::sandbox {
namespace {

constexpr const char* SCHEMA_SQL = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  batch_id INTEGER PRIMARY KEY AUTOINCREMENT,
  format TEXT NOT NULL, lookup_field TEXT NOT NULL, list_id INTEGER, partition TEXT NOT NULL,
  status INTEGER NOT NULL, message TEXT NOT NULL,
  rows_total INTEGER NOT NULL, rows_done INTEGER NOT NULL, leads_processed INTEGER NOT NULL,
  rows_failed INTEGER NOT NULL, rows_warned INTEGER NOT NULL, list_members INTEGER NOT NULL,
  file_bytes INTEGER NOT NULL);
-- The uploaded files apart from the jobs: SQLite rewrites a whole row on UPDATE, and a job's
-- progress is saved after every batch.
CREATE TABLE IF NOT EXISTS job_files (batch_id INTEGER PRIMARY KEY, file BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS job_rows (
  batch_id INTEGER NOT NULL, kind INTEGER NOT NULL, line TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS job_rows_by_job ON job_rows(batch_id, kind);
CREATE TABLE IF NOT EXISTS leads (
  id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT COLLATE NOCASE, data TEXT NOT NULL,
  partition TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS leads_by_email ON leads(email);
CREATE TABLE IF NOT EXISTS list_members (
  list_id INTEGER NOT NULL, lead_id INTEGER NOT NULL, PRIMARY KEY (list_id, lead_id));
)sql";

enum slot : int { FIND_BY_ID, FIND_BY_EMAIL, FIND_BY_FIELD, INSERT_LEAD, UPDATE_LEAD, ADD_MEMBER,
                  ADD_ROW, SAVE_JOB, SLOT_COUNT };

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return {buf, n};
}

void bind_text(sqlite3_stmt* st, int i, std::string_view s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* st, int i) {
  const auto* p = sqlite3_column_text(st, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(st, i)))
           : std::string();
}

// Runs a cached statement to completion and resets it; throws on error.
void run(sqlite3* db, sqlite3_stmt* st) {
  const int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
}

}  // namespace

std::string_view to_string(job_status s) noexcept {
  switch (s) {
    case job_status::queued: return "Queued";
    case job_status::importing: return "Importing";
    case job_status::complete: return "Complete";
    case job_status::failed: return "Failed";
  }
  return "Failed";
}

// A one-shot statement, finalized on scope exit.
class store::statement {
 public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
    }
  }
  ~statement() { sqlite3_finalize(st_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  [[nodiscard]] sqlite3_stmt* get() const noexcept { return st_; }
  [[nodiscard]] bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
    return false;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

store::store(const std::string& path) : cache_(SLOT_COUNT, nullptr) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                              SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the sandbox database '" + path + "': " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA cache_size=-65536");  // 64 MiB: the leads index stays in memory
  exec(SCHEMA_SQL);
}

store::~store() {
  for (auto* st : cache_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

void store::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + why);
  }
}

sqlite3_stmt* store::cached(int slot, const char* sql) {
  auto& st = cache_[static_cast<std::size_t>(slot)];
  if (!st && sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  return st;
}

std::int64_t store::insert_job(const job_record& job, std::string_view file) {
  std::lock_guard lock(mutex_);
  statement st(db_,
               "INSERT INTO jobs (format, lookup_field, list_id, partition, status, message, "
               "rows_total, rows_done, leads_processed, rows_failed, rows_warned, list_members, "
               "file_bytes) VALUES (?,?,?,?,0,?,0,0,0,0,0,0,?)");
  bind_text(st.get(), 1, job.format);
  bind_text(st.get(), 2, job.lookup_field);
  if (job.list_id) sqlite3_bind_int64(st.get(), 3, *job.list_id);
  bind_text(st.get(), 4, job.partition);
  bind_text(st.get(), 5, job.message);
  sqlite3_bind_int64(st.get(), 6, static_cast<sqlite3_int64>(file.size()));
  exec("BEGIN");
  try {
    (void)st.step();
    const auto id = sqlite3_last_insert_rowid(db_);
    statement f(db_, "INSERT INTO job_files (batch_id, file) VALUES (?, ?)");
    sqlite3_bind_int64(f.get(), 1, id);
    sqlite3_bind_blob64(f.get(), 2, file.data(), file.size(), SQLITE_STATIC);
    (void)f.step();
    exec("COMMIT");
    return id;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<job_record> store::load_jobs() {
  std::lock_guard lock(mutex_);
  statement st(db_,
               "SELECT batch_id, format, lookup_field, list_id, partition, status, message, "
               "rows_total, rows_done, leads_processed, rows_failed, rows_warned, list_members, "
               "file_bytes FROM jobs ORDER BY batch_id");
  std::vector<job_record> out;
  while (st.step()) {
    auto* s = st.get();
    job_record j;
    j.batch_id = sqlite3_column_int64(s, 0);
    j.format = column_text(s, 1);
    j.lookup_field = column_text(s, 2);
    if (sqlite3_column_type(s, 3) != SQLITE_NULL) j.list_id = sqlite3_column_int64(s, 3);
    j.partition = column_text(s, 4);
    j.status = static_cast<job_status>(sqlite3_column_int(s, 5));
    j.message = column_text(s, 6);
    j.rows_total = sqlite3_column_int64(s, 7);
    j.rows_done = sqlite3_column_int64(s, 8);
    j.leads_processed = sqlite3_column_int64(s, 9);
    j.rows_failed = sqlite3_column_int64(s, 10);
    j.rows_warned = sqlite3_column_int64(s, 11);
    j.list_members = sqlite3_column_int64(s, 12);
    j.file_bytes = sqlite3_column_int64(s, 13);
    out.push_back(std::move(j));
  }
  return out;
}

std::string store::load_job_file(std::int64_t batch_id) {
  std::lock_guard lock(mutex_);
  statement st(db_, "SELECT file FROM job_files WHERE batch_id = ?");
  sqlite3_bind_int64(st.get(), 1, batch_id);
  if (!st.step()) return {};
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st.get(), 0));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0)))
           : std::string();
}

void store::save_job_locked(const job_record& job) {
  auto* st = cached(SAVE_JOB,
                    "UPDATE jobs SET status=?, message=?, rows_total=?, rows_done=?, "
                    "leads_processed=?, rows_failed=?, rows_warned=?, list_members=? "
                    "WHERE batch_id=?");
  sqlite3_bind_int(st, 1, static_cast<int>(job.status));
  bind_text(st, 2, job.message);
  sqlite3_bind_int64(st, 3, job.rows_total);
  sqlite3_bind_int64(st, 4, job.rows_done);
  sqlite3_bind_int64(st, 5, job.leads_processed);
  sqlite3_bind_int64(st, 6, job.rows_failed);
  sqlite3_bind_int64(st, 7, job.rows_warned);
  sqlite3_bind_int64(st, 8, job.list_members);
  sqlite3_bind_int64(st, 9, job.batch_id);
  run(db_, st);
}

void store::save_job(const job_record& job) {
  std::lock_guard lock(mutex_);
  save_job_locked(job);
}

std::vector<std::string> store::result_rows(std::int64_t batch_id, row_kind kind) {
  std::lock_guard lock(mutex_);
  statement st(db_, "SELECT line FROM job_rows WHERE batch_id=? AND kind=? ORDER BY rowid");
  sqlite3_bind_int64(st.get(), 1, batch_id);
  sqlite3_bind_int(st.get(), 2, static_cast<int>(kind));
  std::vector<std::string> out;
  while (st.step()) out.push_back(column_text(st.get(), 0));
  return out;
}

std::vector<std::string> store::read_leads(std::string_view field,
                                           const std::vector<std::string>& values,
                                           const std::vector<std::string>& fields) {
  std::lock_guard lock(mutex_);
  std::string object = "json_set(data,'$.id',id,'$.createdAt',created_at,'$.updatedAt',updated_at)";
  if (!fields.empty()) {
    object = "json_object('id',id";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto n = std::to_string(i + 3);
      object += ",?" + n + ",CASE ?" + n + " WHEN 'id' THEN id WHEN 'createdAt' THEN created_at "
                "WHEN 'updatedAt' THEN updated_at ELSE json_extract(data,'$.\"'||?" + n +
                "||'\"') END";
    }
    object += ")";
  }
  std::string where;
  if (field == "id") {
    where = "id = ?2";
  } else if (field == "email") {
    where = "email = ?2";
  } else {
    where = "json_extract(data,'$.\"'||?1||'\"') = ?2";
  }
  statement st(db_, ("SELECT " + object + " FROM leads WHERE " + where + " ORDER BY id").c_str());
  std::vector<std::string> out;
  for (const auto& v : values) {
    sqlite3_reset(st.get());
    bind_text(st.get(), 1, field);
    bind_text(st.get(), 2, v);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      bind_text(st.get(), static_cast<int>(i + 3), fields[i]);
    }
    while (st.step()) out.push_back(column_text(st.get(), 0));
  }
  return out;
}

store::batch_writer::batch_writer(store& s) : s_(s), lock_(s.mutex_), now_(now_iso()) {
  s_.exec("BEGIN");
}

store::batch_writer::~batch_writer() {
  if (!committed_) {
    char* err = nullptr;
    sqlite3_exec(s_.db_, "ROLLBACK", nullptr, nullptr, &err);
    sqlite3_free(err);
  }
}

std::optional<std::int64_t> store::batch_writer::find_lead(std::string_view field,
                                                           std::string_view value) {
  sqlite3_stmt* st = nullptr;
  if (field == "id") {
    st = s_.cached(FIND_BY_ID, "SELECT id FROM leads WHERE id = ?1");
    bind_text(st, 1, value);
  } else if (field == "email") {
    st = s_.cached(FIND_BY_EMAIL, "SELECT id FROM leads WHERE email = ?1 ORDER BY id LIMIT 1");
    bind_text(st, 1, value);
  } else {
    st = s_.cached(FIND_BY_FIELD,
                   "SELECT id FROM leads WHERE json_extract(data,'$.\"'||?2||'\"') = ?1 "
                   "ORDER BY id LIMIT 1");
    bind_text(st, 1, value);
    bind_text(st, 2, field);
  }
  std::optional<std::int64_t> id;
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(s_.db_));
  }
  return id;
}

std::int64_t store::batch_writer::insert_lead(std::string_view data_json,
                                              std::string_view partition,
                                              std::optional<std::string_view> email) {
  // The importer builds data_json with json_writer, so it is stored as it is, unparsed.
  auto* st = s_.cached(INSERT_LEAD,
                       "INSERT INTO leads (email, data, partition, created_at, updated_at) "
                       "VALUES (?4, ?1, ?2, ?3, ?3)");
  bind_text(st, 1, data_json);
  bind_text(st, 2, partition);
  bind_text(st, 3, now_);
  if (email) bind_text(st, 4, *email);
  run(s_.db_, st);
  return sqlite3_last_insert_rowid(s_.db_);
}

void store::batch_writer::update_lead(std::int64_t id, std::string_view data_json,
                                      std::optional<std::string_view> email) {
  auto* st = s_.cached(UPDATE_LEAD,
                       "UPDATE leads SET data = json_patch(data, ?1), "
                       "email = coalesce(?4, email), updated_at = ?2 WHERE id = ?3");
  bind_text(st, 1, data_json);
  bind_text(st, 2, now_);
  sqlite3_bind_int64(st, 3, id);
  if (email) bind_text(st, 4, *email);
  run(s_.db_, st);
}

bool store::batch_writer::add_to_list(std::int64_t list_id, std::int64_t lead_id) {
  auto* st = s_.cached(ADD_MEMBER,
                       "INSERT OR IGNORE INTO list_members (list_id, lead_id) VALUES (?, ?)");
  sqlite3_bind_int64(st, 1, list_id);
  sqlite3_bind_int64(st, 2, lead_id);
  run(s_.db_, st);
  return sqlite3_changes(s_.db_) > 0;
}

void store::batch_writer::add_result_row(std::int64_t batch_id, row_kind kind,
                                         std::string_view line) {
  auto* st = s_.cached(ADD_ROW, "INSERT INTO job_rows (batch_id, kind, line) VALUES (?, ?, ?)");
  sqlite3_bind_int64(st, 1, batch_id);
  sqlite3_bind_int(st, 2, static_cast<int>(kind));
  bind_text(st, 3, line);
  run(s_.db_, st);
}

void store::batch_writer::commit(const job_record& job) {
  s_.save_job_locked(job);
  s_.exec("COMMIT");
  committed_ = true;
}

}  // namespace mkbulk::sandbox
