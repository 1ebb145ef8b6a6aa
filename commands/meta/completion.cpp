// completion: the shell completion scripts and the man pages, all generated
// from the command definitions so they cannot drift from --help.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "src/command.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

void emit_document(Context& ctx, const std::string& name, const std::string& text) {
  Table t(name, {Column{"text", Kind::Text, Kind::Text}});
  t.add_row({text});
  ctx.emit_text(text, {t});
}

// mkdir -p; a failure names the directory.
void make_dirs(const std::string& dir) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      throw failure("cannot create directory \"" + part + "\": " + std::strerror(errno));
    }
  }
}

// Every generated document under DIR as it goes under /usr/share, so a
// package installs the tree as it is.
struct GeneratedFile {
  std::string path;
  std::string text;
};

std::vector<GeneratedFile> generated_files(const std::string& dir) {
  std::vector<GeneratedFile> out;
  out.push_back({dir + "/man/man1/pgdba.1", generate_man_page()});
  for (const auto& noun : command_nouns())
    out.push_back({dir + "/man/man1/pgdba-" + noun + ".1", generate_noun_man_page(noun)});
  out.push_back({dir + "/bash-completion/completions/pgdba", generate_bash_completion()});
  out.push_back({dir + "/zsh/vendor-completions/_pgdba", generate_zsh_completion()});
  out.push_back({dir + "/fish/vendor_completions.d/pgdba.fish", generate_fish_completion()});
  return out;
}

}  // namespace

void register_completion(CommandTable& table) {
  Noun completion = table.noun("completion", "Shell completion and the man pages, generated from the commands");
  completion.raw("bash", "Print the bash completion script: source <(pgdba completion bash)").run([](Context& ctx) {
    emit_document(ctx, "completion", generate_bash_completion());
  });
  completion.raw("zsh", "Print the zsh completion script: pgdba completion zsh > \"${fpath[1]}/_pgdba\"")
      .run([](Context& ctx) { emit_document(ctx, "completion", generate_zsh_completion()); });
  completion.raw("fish", "Print the fish completion script: pgdba completion fish | source").run([](Context& ctx) {
    emit_document(ctx, "completion", generate_fish_completion());
  });
  auto noun = std::make_shared<std::string>();
  completion.raw("man", "Print the pgdba(1) man page in roff, or with NOUN the pgdba-NOUN(1) page")
      .arg("noun", noun.get(), "a command (db, vacuum, check, ...): print its own page", false)
      .run([noun](Context& ctx) {
        emit_document(ctx, "man", noun->empty() ? generate_man_page() : generate_noun_man_page(*noun));
      });
  auto dir = std::make_shared<std::string>();
  completion
      .raw("files",
           "Write every man page and completion script under DIR as laid out in /usr/share (what the package "
           "installs)",
           {Need::None, Effect::Change})
      .arg("dir", dir.get(), "the directory to write into (created if missing)")
      .run([dir](Context& ctx) {
        Table t("files", {Column{"file", Kind::Text, Kind::Text}, Column{"bytes", Kind::Bytes, Kind::Text}});
        for (const auto& f : generated_files(*dir)) {
          if (!ctx.dry_run()) {
            make_dirs(f.path.substr(0, f.path.rfind('/')));
            write_file_atomic(f.path, f.text);
          }
          t.add_row({f.path, std::to_string(f.text.size())});
        }
        ctx.emit({t});
      });
  completion
      .verb("verbs", "List every verb with what it declares: session, effect, oldest server, fan-out", {Need::None})
      .run([](Unit&, const NoOptions&) { return Result{verb_table()}; });
}

}  // namespace pgdba
