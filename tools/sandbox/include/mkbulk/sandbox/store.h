// The sandbox's persistence: jobs (with their uploaded file), their failure and warning rows,
// the leads and static list members, in one SQLite database in WAL mode. One connection behind
// a mutex; the importer writes a batch of rows and the job's progress in one transaction, so a
// job interrupted by a restart resumes after its last committed batch.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace mkbulk::sandbox {

enum class job_status : std::uint8_t { queued, importing, complete, failed };
[[nodiscard]] std::string_view to_string(job_status s) noexcept;

struct job_record {
  std::int64_t batch_id = 0;
  std::string format;        // csv, tsv, ssv
  std::string lookup_field;  // REST name
  std::optional<std::int64_t> list_id;
  std::string partition;
  job_status status = job_status::queued;
  std::string message;
  std::int64_t rows_total = 0;  // known once the file is read
  std::int64_t rows_done = 0;   // committed rows, the resume point
  std::int64_t leads_processed = 0;
  std::int64_t rows_failed = 0;
  std::int64_t rows_warned = 0;
  std::int64_t list_members = 0;
  std::int64_t file_bytes = 0;
};

// Row outcome kinds in job_rows.
enum class row_kind : std::uint8_t { failure = 0, warning = 1 };

class store {
 public:
  // Opens (creating if needed) the database; ":memory:" for none. Throws std::runtime_error.
  explicit store(const std::string& path);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // Inserts a new Queued job with its file and returns its batch id.
  [[nodiscard]] std::int64_t insert_job(const job_record& job, std::string_view file);
  [[nodiscard]] std::vector<job_record> load_jobs();
  [[nodiscard]] std::string load_job_file(std::int64_t batch_id);
  void save_job(const job_record& job);  // status, message, counters

  // The rows of a job's failure or warning file, each already encoded (without line end), in
  // the order they were recorded.
  [[nodiscard]] std::vector<std::string> result_rows(std::int64_t batch_id, row_kind kind);

  // The leads whose field equals one of values, each as a JSON object (id, createdAt,
  // updatedAt and the stored fields, or only `fields` when not empty).
  [[nodiscard]] std::vector<std::string> read_leads(std::string_view field,
                                                    const std::vector<std::string>& values,
                                                    const std::vector<std::string>& fields);

  // A write transaction over the store; holds the store's lock for its lifetime.
  class batch_writer {
   public:
    explicit batch_writer(store& s);
    ~batch_writer();  // rolls back unless committed
    batch_writer(const batch_writer&) = delete;
    batch_writer& operator=(const batch_writer&) = delete;

    // The lead matched by field == value (the lowest id when several match).
    [[nodiscard]] std::optional<std::int64_t> find_lead(std::string_view field,
                                                        std::string_view value);
    // data_json: a JSON object of field values merged into the lead (json_patch); email: the
    // value of its email field when the row sets one (kept in an indexed column).
    [[nodiscard]] std::int64_t insert_lead(std::string_view data_json, std::string_view partition,
                                           std::optional<std::string_view> email);
    void update_lead(std::int64_t id, std::string_view data_json,
                     std::optional<std::string_view> email);
    // True when the lead was not yet a member.
    [[nodiscard]] bool add_to_list(std::int64_t list_id, std::int64_t lead_id);
    void add_result_row(std::int64_t batch_id, row_kind kind, std::string_view line);
    void commit(const job_record& job);  // saves the job's progress, then commits

   private:
    store& s_;
    std::unique_lock<std::mutex> lock_;
    std::string now_;  // createdAt / updatedAt of the batch's writes
    bool committed_ = false;
  };

 private:
  friend class batch_writer;
  class statement;
  void exec(const char* sql);
  void save_job_locked(const job_record& job);
  [[nodiscard]] sqlite3_stmt* cached(int slot, const char* sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> cache_;
};

}  // namespace mkbulk::sandbox
