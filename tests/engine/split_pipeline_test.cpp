// The split pipeline on hand-made inputs: mapping and normalisation, every defect kind and the
// bad-input corpus (empty, BOM only, header only, no final newline, CR-only, binary garbage,
// a record over the budget, a 100 MB field), accounting, and the round trip through
// record_reader.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "mkbulk/engine/scan_dispatch.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::chunk_rows;
using testing::reject_rows;
using testing::run_on_text;
using testing::temp_dir;
using fields = std::vector<std::string>;

void expect_accounting(const split_result& r) {
  const split_counts& c = r.result.counts;
  EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected);
  std::uint64_t sum = 0;
  for (const auto n : c.reject_counts) sum += n;
  EXPECT_EQ(sum, c.rows_rejected);
  std::uint64_t rows = 0;
  for (const auto& ch : r.result.chunks) rows += ch.rows;
  if (!r.result.chunks.empty()) {
    EXPECT_EQ(rows, c.rows_chunked);
  }
}

TEST(split_pipeline, maps_header_normalises_and_records_source_lines) {
  temp_dir dir;
  const std::string text =
      "\xEF\xBB\xBF" "Email Address,First Name,Zip Code,Notes\r\n"
      "a@x.com,Ann,123,\"hello, world\"\r\n"
      "b@x.com,\"B\"\"ob\",\"456\",\"two\r\nlines\"\r\n"
      "c@x.com,Cé,789,plain\r\n";
  split_options o;
  o.map = {{"Notes", "comments"}};
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  const manifest& m = s.result.result;
  EXPECT_TRUE(m.bom);
  EXPECT_EQ(m.format, "csv");
  EXPECT_EQ(m.line_endings, "crlf");
  EXPECT_EQ(m.header_line, "email,firstName,postalCode,comments");
  ASSERT_EQ(s.chunk_texts.size(), 1u);
  EXPECT_EQ(s.chunk_texts[0],
            "email,firstName,postalCode,comments\n"
            "a@x.com,Ann,123,\"hello, world\"\n"
            "b@x.com,\"B\"\"ob\",456,\"two\r\nlines\"\n"
            "c@x.com,Cé,789,plain\n");
  EXPECT_EQ(m.chunks[0].line_runs, (std::vector<line_run>{{2, 2}, {5, 1}}));
  EXPECT_EQ(m.chunks[0].first_line, 2u);
  EXPECT_EQ(m.chunks[0].last_line, 5u);
  EXPECT_EQ(m.chunks[0].bytes, s.chunk_texts[0].size());
  EXPECT_EQ(m.counts.rows_in, 3u);
  EXPECT_EQ(m.counts.bytes_out, s.chunk_texts[0].size());
  EXPECT_EQ(m.counts.bytes_in, text.size());
  manifest back;
  manifest_error err;
  ASSERT_TRUE(read_manifest(dir.path() / "out", back, err)) << err.message;
  EXPECT_EQ(back, m);
}

TEST(split_pipeline, rejects_every_defect_kind_at_its_line_and_goes_on) {
  temp_dir dir;
  std::string text = "email,firstName,lastName\n";
  text += "ok1@x.com,A,B\n";                       // 2
  text += "few@x.com,A\n";                         // 3 field_count_mismatch
  text += "uq@x.com,\"open,never closed\n";        // 4 unterminated_quote
  text += "ok2@x.com,C,D\n";                       // 5
  text += "baq@x.com,\"Acme\"x,E\n";               // 6 bytes_after_closing_quote
  text += "utf@x.com,F\xC3,G\n";                   // 7 invalid_utf8
  text += std::string("nul@x.com,H\0x,I\n", 16);   // 8 nul_byte
  text += ",J,K\n";                                // 9 empty_lookup_field
  text += "bare@x.com,O\"Neil,L\n";                // 10 bare quote: kept
  text += "ok3@x.com,\"M\nN\",O\n";                // 11-12
  text += "ok4@x.com,P,Q";                         // 13, no final newline
  split_options o;
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  expect_accounting(s.result);
  const auto rej = reject_rows(s);
  ASSERT_EQ(rej.size(), 6u) << s.rejects;
  const std::vector<std::pair<std::uint64_t, std::string>> want = {
      {3, "field_count_mismatch"}, {4, "unterminated_quote"}, {6, "bytes_after_closing_quote"},
      {7, "invalid_utf8"},         {8, "nul_byte"},           {9, "empty_lookup_field"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(rej[i].line, want[i].first) << i;
    EXPECT_EQ(rej[i].reason, want[i].second) << i;
    EXPECT_EQ(rej[i].offset, text.find(rej[i].record.substr(0, 4))) << i;
  }
  EXPECT_EQ(rej[0].message, "expected 3 fields, found 2");
  EXPECT_EQ(rej[3].record, "utf@x.com,F\\xc3,G");
  EXPECT_EQ(rej[4].record, "nul@x.com,H\\x00x,I");
  const auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (testing::row{2, {"ok1@x.com", "A", "B"}}));
  EXPECT_EQ(rows[1], (testing::row{5, {"ok2@x.com", "C", "D"}}));
  EXPECT_EQ(rows[2], (testing::row{10, {"bare@x.com", "O\"Neil", "L"}}));
  EXPECT_EQ(rows[3], (testing::row{11, {"ok3@x.com", "M\nN", "O"}}));
  EXPECT_EQ(rows[4], (testing::row{13, {"ok4@x.com", "P", "Q"}}));
  EXPECT_EQ(s.result.result.counts.bare_quotes, 1u);
  EXPECT_EQ(s.result.result.line_endings, "lf");
}

TEST(split_pipeline, unterminated_quote_running_to_the_end_only_costs_its_line) {
  temp_dir dir;
  const std::string text = "email,lastName\nx@x.com,\"never\ny@x.com,1\nz@x.com,2\n";
  const auto s = run_on_text(dir, text, {});
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  const auto rej = reject_rows(s);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].reason, "unterminated_quote");
  EXPECT_EQ(rej[0].line, 2u);
  EXPECT_NE(rej[0].message.find("resumed on line 3"), std::string::npos) << rej[0].message;
  const auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 3u);
  EXPECT_EQ(rows[1].line, 4u);
}

TEST(split_pipeline, lookup_field_in_a_later_column_on_both_paths) {
  temp_dir dir;
  std::string text = "firstName,lastName,email,comments\n";
  text += "A,B,a@x.com,plain\n";                 // 2 good
  text += "C,\"D, E\",,plain\n";                // 3 empty lookup (quoted neighbour)
  text += "F,G,\"\",x\n";                       // 4 empty lookup, quoted empty
  text += "\"H\"\"\",I,\"h@x.com\",\"a, b\"\n";  // 5 good
  text += "J,K,,\"multi\nline\"\n";            // 6 empty lookup, spans lines 6-7
  text += "L,M,l@x.com\n";                       // 8 field count mismatch
  text += "N,O,n@x.com,\"p\nq\"\n";            // 9 good (9-10)
  for (const char* out : {"csv", "ssv"}) {  // csv: same dialect (fast scan); ssv: field by field
    split_options o;
    o.out_format = out;
    const auto s = run_on_text(dir, text, o);
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    const auto rej = reject_rows(s);
    ASSERT_EQ(rej.size(), 4u) << out << "\n" << s.rejects;
    EXPECT_EQ(rej[0].line, 3u);
    EXPECT_EQ(rej[0].reason, "empty_lookup_field");
    EXPECT_EQ(rej[1].line, 4u);
    EXPECT_EQ(rej[1].reason, "empty_lookup_field");
    EXPECT_EQ(rej[2].line, 6u);
    EXPECT_EQ(rej[2].reason, "empty_lookup_field");
    EXPECT_EQ(rej[3].line, 8u);
    EXPECT_EQ(rej[3].reason, "field_count_mismatch");
    const auto rows = chunk_rows(s);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].line, 2u);
    EXPECT_EQ(rows[1], (testing::row{5, {"H\"", "I", "h@x.com", "a, b"}}));
    EXPECT_EQ(rows[2].line, 9u);
  }
}

TEST(split_pipeline, empty_input_and_bom_only_are_unusable) {
  temp_dir dir;
  auto s = run_on_text(dir, "", {});
  EXPECT_EQ(s.result.status, split_status::bad_dialect);
  EXPECT_NE(s.result.message.find("empty"), std::string::npos);
  s = run_on_text(dir, "\xEF\xBB\xBF", {});
  EXPECT_EQ(s.result.status, split_status::bad_dialect);
  EXPECT_TRUE(s.manifest_text.empty());
}

TEST(split_pipeline, header_only_gives_zero_rows_and_zero_chunks) {
  temp_dir dir;
  for (const char* text : {"email,firstName\n", "email,firstName", "\xEF\xBB\xBF" "email\r\n"}) {
    const auto s = run_on_text(dir, text, {});
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    EXPECT_EQ(s.result.result.counts.rows_in, 0u);
    EXPECT_TRUE(s.result.result.chunks.empty());
    EXPECT_FALSE(s.manifest_text.empty());
    EXPECT_EQ(s.rejects, "source_line,byte_offset,reason,message,record\n");
  }
}

TEST(split_pipeline, cr_only_and_mixed_line_ends) {
  temp_dir dir;
  auto s = run_on_text(dir, "email;firstName\ra@x;1\rb@x;\"2\r3\"\rc@x;4", {});
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(s.result.result.format, "ssv");
  EXPECT_EQ(s.result.result.line_endings, "cr");
  auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (testing::row{3, {"b@x", "2\r3"}}));
  EXPECT_EQ(rows[2].line, 5u);
  EXPECT_EQ(s.chunk_texts[0], "email,firstName\na@x,1\nb@x,\"2\r3\"\nc@x,4\n");
  s = run_on_text(dir, "email\tfirstName\na@x\t1\r\nb@x\t2\rc@x\t3\n", {});
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(s.result.result.format, "tsv");
  EXPECT_EQ(s.result.result.line_endings, "mixed");
  rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].line, 4u);
}

TEST(split_pipeline, header_problems_stop_the_run_with_the_fix) {
  temp_dir dir;
  auto s = run_on_text(dir, "email,Shoe Size,Pet\na,1,2\n", {});
  EXPECT_EQ(s.result.status, split_status::bad_header);
  EXPECT_NE(s.result.message.find("'Shoe Size', 'Pet'"), std::string::npos) << s.result.message;
  EXPECT_NE(s.result.message.find("--drop-unknown"), std::string::npos);
  EXPECT_TRUE(s.chunk_texts.empty());
  split_options o;
  o.drop_unknown = true;
  s = run_on_text(dir, "email,Shoe Size,Pet\na,1,2\n", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(s.result.result.dropped, (std::vector<std::string>{"Shoe Size", "Pet"}));
  EXPECT_EQ(s.chunk_texts[0], "email\na\n");
  s = run_on_text(dir, "email,email\na,b\n", {});
  EXPECT_EQ(s.result.status, split_status::bad_header);
  s = run_on_text(dir, "email,,x\na,b,c\n", {});
  EXPECT_EQ(s.result.status, split_status::bad_header);
  s = run_on_text(dir, "Email Address,E-mail\na,b\n", {});
  EXPECT_EQ(s.result.status, split_status::bad_header);
  EXPECT_NE(s.result.message.find("both map to 'email'"), std::string::npos) << s.result.message;
  s = run_on_text(dir, "firstName\nAnn\n", {});
  EXPECT_EQ(s.result.status, split_status::bad_header);
  EXPECT_NE(s.result.message.find("lookup field"), std::string::npos);
  o = {};
  o.map = {{"Nope", "comments"}};
  s = run_on_text(dir, "email\na\n", o);
  EXPECT_EQ(s.result.status, split_status::bad_header);
}

TEST(split_pipeline, drop_trim_and_out_format) {
  temp_dir dir;
  split_options o;
  o.drop_columns = {"Secret"};
  o.trim = true;
  o.out_format = "tsv";
  const auto s = run_on_text(dir, "Secret,email,City\nx, a@x.com ,\" Paris\tFR \"\n", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  ASSERT_EQ(s.chunk_texts.size(), 1u);
  EXPECT_EQ(s.result.result.chunks[0].file, "chunks/000001.tsv");
  EXPECT_EQ(s.chunk_texts[0], "email\tcity\na@x.com\t\"Paris\tFR\"\n");
  o = {};
  o.trim = true;
  const auto blank = run_on_text(dir, "email,firstName\n   ,1\n", o);
  EXPECT_EQ(blank.result.result.counts.reject_counts[static_cast<std::size_t>(
                reject_reason::empty_lookup_field)],
            1u);
}

TEST(split_pipeline, chunks_respect_the_budget_and_cut_between_records) {
  temp_dir dir;
  std::string text = "email,firstName\n";
  for (int i = 0; i < 500; ++i) {
    text += "user";
    text += std::to_string(i);
    text += "@x.com,\"v\n";
    text += std::to_string(i);
    text += "\"\n";
  }
  split_options o;
  o.max_bytes = 300;
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  ASSERT_GT(s.chunk_texts.size(), 10u);
  for (const auto& c : s.chunk_texts) EXPECT_LE(c.size(), 300u);
  const auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 500u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].line, 2 + 2 * i);
    EXPECT_EQ(rows[i].fields[1], "v\n" + std::to_string(i));
  }
  for (std::size_t i = 0; i < s.result.result.chunks.size(); ++i) {
    EXPECT_EQ(s.result.result.chunks[i].index, i + 1);
  }
}

TEST(split_pipeline, record_bigger_than_the_budget_is_rejected) {
  temp_dir dir;
  split_options o;
  o.max_bytes = 100;
  const auto s = run_on_text(dir, "email,firstName\na@x," + std::string(200, 'y') + "\nb@x,z\n", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  const auto rej = reject_rows(s);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].reason, "record_too_large");
  EXPECT_EQ(rej[0].line, 2u);
  EXPECT_EQ(chunk_rows(s).size(), 1u);
}

TEST(split_pipeline, hundred_megabyte_field_is_skipped_without_buffering_it) {
  temp_dir dir;
  std::string text = "email,comments\nbig@x.com,\"";
  text.append(100u << 20, 'x');
  text += "\"\nafter@x.com,fine\n";
  const auto s = run_on_text(dir, text, {});
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  const auto rej = reject_rows(s);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].reason, "record_too_large");
  EXPECT_EQ(rej[0].line, 2u);
  EXPECT_LE(rej[0].record.size(), 70u * 1024);
  EXPECT_NE(rej[0].record.find("[truncated "), std::string::npos);
  const auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (testing::row{3, {"after@x.com", "fine"}}));
}

TEST(split_pipeline, binary_garbage_keeps_the_accounting) {
  temp_dir dir;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 24; ++round) {
    std::string text = "email,firstName,lastName\n";
    const std::size_t n = 2000 + rng() % 20000;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = rng() % 16;
      text.push_back(r < 3 ? ",\n\"\r"[r] : static_cast<char>(rng() & 0xFF));
    }
    split_options o;
    o.block_bytes = 64u << (round % 8);
    const auto s = run_on_text(dir, text, o);
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    expect_accounting(s.result);
    EXPECT_EQ(chunk_rows(s).size(), s.result.result.counts.rows_chunked);
    EXPECT_EQ(reject_rows(s).size(), s.result.result.counts.rows_rejected);
    // The same decisions on the field-by-field path (another output dialect): same rejects,
    // same rows.
    o.out_format = "ssv";
    const auto other = run_on_text(dir, text, o, "other");
    ASSERT_EQ(other.result.status, split_status::ok) << other.result.message;
    EXPECT_EQ(other.rejects, s.rejects) << "round " << round;
    EXPECT_EQ(chunk_rows(other), chunk_rows(s)) << "round " << round;
  }
}

TEST(split_pipeline, a_new_run_replaces_the_previous_runs_chunks) {
  temp_dir dir;
  std::string text = "email\n";
  for (int i = 0; i < 200; ++i) {
    text += 'u';
    text += std::to_string(i);
    text += "@x.com\n";
  }
  testing::write_file(dir.path() / "in.csv", text);
  split_options o;
  o.max_bytes = 300;
  auto first = testing::run_on_file(dir.path() / "in.csv", dir.path() / "out", o);
  ASSERT_GT(first.chunk_texts.size(), 5u);
  // A killed run's .part file goes too; files the engine does not name are the user's: kept.
  const auto chunks = dir.path() / "out/chunks";
  for (const char* name : {"000042.tsv.part", "000043.ssv", "notes.txt", "12345.csv",
                           "0000011.csv", "00000a.csv", "000001.csv.bak"}) {
    testing::write_file(chunks / name, "x");
  }
  o.max_bytes = DEFAULT_MAX_CHUNK_BYTES;
  auto second = testing::run_on_file(dir.path() / "in.csv", dir.path() / "out", o);
  ASSERT_EQ(second.chunk_texts.size(), 1u);
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(chunks)) {
    names.insert(e.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"000001.csv", "notes.txt", "12345.csv", "0000011.csv",
                                          "00000a.csv", "000001.csv.bak"}));
}

TEST(split_pipeline, too_many_rejects_stops_the_run) {
  temp_dir dir;
  split_options o;
  o.max_rejects = 1;
  const auto s = run_on_text(dir, "email,firstName\n,1\n,2\na,3\n", o);
  EXPECT_EQ(s.result.status, split_status::too_many_rejects);
  EXPECT_NE(s.result.message.find("--max-rejects"), std::string::npos);
  EXPECT_TRUE(s.manifest_text.empty());
}

TEST(split_pipeline, sniffs_the_delimiter_quote_aware) {
  temp_dir dir;
  auto s = run_on_text(dir, "email;city\n\"a,b@x\";\"Paris, FR\"\nc@x;Rome\n", {});
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(s.result.result.delimiter, ';');
  split_options o;
  o.delimiter = ',';
  s = run_on_text(dir, "email;city\na@x;Rome\n", o);
  EXPECT_EQ(s.result.status, split_status::bad_header);  // one column named "email;city"
}

TEST(split_pipeline, validate_only_writes_the_rejects_report) {
  temp_dir dir;
  testing::write_file(dir.path() / "in.csv", "email,firstName\na,1\n,2\n");
  split_options o;
  o.input_path = (dir.path() / "in.csv").string();
  o.rejects_path = dir.path() / "rej.csv";
  const auto r = run_split(o);
  ASSERT_EQ(r.status, split_status::ok) << r.message;
  EXPECT_EQ(r.result.counts.rows_chunked, 1u);
  EXPECT_EQ(r.result.counts.rows_rejected, 1u);
  EXPECT_TRUE(r.result.chunks.empty());
  EXPECT_NE(testing::read_file(dir.path() / "rej.csv").find("empty_lookup_field"), std::string::npos);
}

class counting_sink : public chunk_sink {
 public:
  void on_chunk(const chunk_info& c) override { seen.push_back(c); }
  std::vector<chunk_info> seen;
};

TEST(split_pipeline, chunk_sink_hears_every_chunk_in_order) {
  temp_dir dir;
  std::string text = "email\n";
  for (int i = 0; i < 300; ++i) {
    text += 'u';
    text += std::to_string(i);
    text += "@x.com\n";
  }
  testing::write_file(dir.path() / "in.csv", text);
  for (const unsigned threads : {1u, 2u, 3u}) {
    split_options o;
    o.input_path = (dir.path() / "in.csv").string();
    o.out_dir = dir.path() / ("out" + std::to_string(threads));
    o.max_bytes = 200;
    o.threads = threads;
    counting_sink sink;
    const auto r = run_split(o, &sink);
    ASSERT_EQ(r.status, split_status::ok) << r.message;
    EXPECT_EQ(sink.seen, r.result.chunks);
    for (const auto& c : sink.seen) {
      EXPECT_EQ(testing::read_file(o.out_dir / c.file).size(), c.bytes);
      EXPECT_FALSE(std::filesystem::exists(o.out_dir / (c.file + ".part")));
    }
  }
}

}  // namespace
}  // namespace mkbulk::engine
