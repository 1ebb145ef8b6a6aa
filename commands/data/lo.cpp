// lo list, import, export, unlink: large objects, streamed in fixed chunks
// (constant memory whatever their size), each verb in one transaction.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "src/command.hpp"
#include "src/context.hpp"
#include "src/durable.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/render.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

constexpr std::size_t kChunk = std::size_t{256} * 1024;

struct LoImportOptions {
  std::string file;
  std::string comment;
};
struct LoExportOptions {
  std::string oid, file;
};
struct LoUnlinkOptions {
  std::string oid;
};

// An OID as the user typed it; anything else names no large object.
std::uint32_t parse_oid(const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 10 && text.find_first_not_of("0123456789") == std::string::npos;
  const unsigned long long v = digits ? std::stoull(text) : 0;
  if (!digits || v == 0 || v > 0xFFFFFFFFull) {
    Error e = failure("large object \"" + text + "\" does not exist: an OID is a number from 1 to 4294967295");
    e.sqlstate = "42704";
    throw e;
  }
  return static_cast<std::uint32_t>(v);
}

Table transfer_table(std::uint32_t oid, const std::string& file, std::uint64_t bytes, double seconds) {
  Table t("result", {Column{"oid", Kind::Integer, Kind::Text}, Column{"file", Kind::Text, Kind::Text},
                     Column{"bytes", Kind::Bytes, Kind::Text}, Column{"seconds", Kind::Seconds, Kind::Text}});
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", seconds);
  t.add_row({std::to_string(oid), file, std::to_string(bytes), std::string(secs)});
  return t;
}

Result list_large_objects(Unit& u) {
  Session& s = u.session();
  auto r = s.try_query(sql_text("lo/list_large_objects", s.server_version()), {}, "reading large object sizes");
  if (!r) r = s.exec(sql_text("lo/list_large_objects_no_size", s.server_version()), "listing large objects");
  Table t = to_table(*r, "large_objects");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

Result import_large_object(Unit& u, const LoImportOptions& o) {
  Context& ctx = u.ctx();
  Session& s = u.session();
  const int fd = open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open \"" + o.file + "\": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  const std::string action = "lo_import " + o.file;
  if (ctx.dry_run()) {
    ctx.plan(action);
    ctx.record_audit(s, action, "dry-run");
    return {};
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<char> buf(kChunk);
  std::uint64_t bytes = 0;
  std::uint32_t oid = 0;
  try {
    Transaction tx(s);
    oid = s.lo_import(
        [&](std::string_view& chunk) {
          for (;;) {
            const ssize_t n = read(fd, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw failure("cannot read \"" + o.file + "\": " + std::strerror(errno));
            if (n == 0) return false;
            bytes += static_cast<std::uint64_t>(n);
            chunk = std::string_view(buf.data(), static_cast<std::size_t>(n));
            return true;
          }
        },
        "importing \"" + o.file + "\"");
    if (!o.comment.empty()) {
      // COMMENT takes no parameters: the OID is a number pgdba made, the
      // comment a quoted literal.
      s.exec("COMMENT ON LARGE OBJECT " + std::to_string(oid) + " IS " + quote_literal(o.comment),
             "commenting the large object");
    }
    tx.commit();
  } catch (const Error& e) {
    ctx.record_audit(s, action, std::string("error: ") + e.what());
    throw;
  }
  ctx.record_audit(s, action + " -- oid " + std::to_string(oid), "ok");
  return {transfer_table(oid, o.file, bytes, seconds_since(t0))};
}

// Streams large object `oid` to `fd` in one read-only transaction; its size.
std::uint64_t export_to_fd(Session& s, std::uint32_t oid, int fd, const std::string& shown) {
  Transaction tx(s, "starting a read-only transaction");
  const std::uint64_t bytes = s.lo_export(
      oid,
      [&](std::string_view chunk) {
        while (!chunk.empty()) {
          const ssize_t w = write(fd, chunk.data(), chunk.size());
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) throw failure("cannot write " + shown + ": " + std::strerror(errno));
          chunk.remove_prefix(static_cast<std::size_t>(w));
        }
      },
      "exporting large object " + std::to_string(oid));
  tx.commit();
  return bytes;
}

Result export_large_object(Unit& u, const LoExportOptions& o) {
  const std::uint32_t oid = parse_oid(o.oid);
  Session& s = u.session();
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t bytes = 0;
  if (o.file == "-") {
    bytes = export_to_fd(s, oid, STDOUT_FILENO, "standard output");
  } else {
    write_stream_atomic(o.file, [&](int fd) { bytes = export_to_fd(s, oid, fd, "\"" + o.file + "\""); });
  }
  return {transfer_table(oid, o.file == "-" ? "standard output" : o.file, bytes, seconds_since(t0))};
}

// lo export OID -: the object's bytes on standard output, so its summary
// goes to standard error (in the format asked for), as copy out does.
void export_to_stdout(Context& ctx, const VerbRecord& rec, const LoExportOptions& o) {
  parse_oid(o.oid);
  if (!ctx.targets().empty()) throw usage_error("lo export to standard output reads one database, not targets");
  if (isatty(STDOUT_FILENO))
    throw usage_error("lo export OID - writes binary data: redirect standard output to a file or a pipe");
  Unit u(ctx, rec, "", "", nullptr);
  const Result r = export_large_object(u, o);
  auto err = make_renderer(ctx.render_options(), stderr);
  emit_result(r, *err);
}

Result unlink_large_object(Unit& u, const LoUnlinkOptions& o) {
  const std::uint32_t oid = parse_oid(o.oid);
  Session& s = u.session();
  const std::string id = std::to_string(oid);
  u.ctx().confirm("unlink large object " + id);
  u.ctx().mutate(s, "SELECT pg_catalog.lo_unlink($1::oid)", "unlinking large object " + id, {id.c_str()});
  Table t = action_table();
  add_action(t, "unlink large object", id, u.ctx().dry_run() ? "dry-run" : "unlinked");
  return {t};
}

}  // namespace

void register_lo(CommandTable& table) {
  Noun lo = table.noun("lo", "Large objects: list, import, export, unlink (streamed, constant memory)");

  lo.verb("list", "List large objects with owner, size (superusers; NULL otherwise) and comment",
          {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return list_large_objects(u); });

  lo.verb<LoImportOptions>("import", "Import a file as a new large object, in one transaction; prints its OID",
                           {Need::User, Effect::Change})
      .arg("file", &LoImportOptions::file, "file to import")
      .option("--comment", &LoImportOptions::comment, "COMMENT ON the new large object")
      .run(import_large_object);

  auto eo = std::make_shared<LoExportOptions>();
  Verb ex = lo.raw("export",
                   "Write a large object to a file (streamed, the file replaced only when complete) or, with -, to "
                   "standard output (the summary then goes to standard error)",
                   {Need::User, Effect::Read});
  const VerbRecord* rec = &ex.record();
  ex.arg("oid", &eo->oid, "OID of the large object")
      .arg("file", &eo->file, "file to write, - for standard output")
      .run([eo, rec](Context& ctx) {
        if (eo->file == "-") {
          export_to_stdout(ctx, *rec, *eo);
          return;
        }
        parse_oid(eo->oid);
        run_verb(ctx, *rec, [&](Unit& u) { return export_large_object(u, *eo); });
      });

  lo.verb<LoUnlinkOptions>("unlink", "Delete a large object (asks first; --yes when not on a terminal)",
                           {Need::User, Effect::Destroy})
      .arg("oid", &LoUnlinkOptions::oid, "OID of the large object")
      .run(unlink_large_object);
}

}  // namespace pgdba
