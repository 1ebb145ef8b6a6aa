// completion: the bash completion script and the man page, both generated
// from the command definitions so they cannot drift from --help.
#include "src/command.hpp"
#include "src/runner.hpp"

namespace pgdba {

void register_completion(CommandTable& table) {
  Noun completion = table.noun("completion", "Shell completion and the man page, generated from the commands");
  completion.raw("bash", "Print the bash completion script: source <(pgdba completion bash)").run([](Context& ctx) {
    Table t("completion", {Column{"script", Kind::Text, Kind::Text}});
    const std::string s = generate_bash_completion();
    t.add_row({s});
    ctx.emit_text(s, {t});
  });
  completion.raw("man", "Print the pgdba(1) man page in roff, as installed from man/pgdba.1").run([](Context& ctx) {
    Table t("man", {Column{"roff", Kind::Text, Kind::Text}});
    const std::string s = generate_man_page();
    t.add_row({s});
    ctx.emit_text(s, {t});
  });
  completion
      .verb("verbs", "List every verb with what it declares: session, effect, oldest server, fan-out", {Need::None})
      .run([](Unit&, const NoOptions&) { return Result{verb_table()}; });
}

}  // namespace pgdba
