// Documents generated from the command definitions, so they cannot drift
// from --help: the man pages (pgdba(1) and one per command), the bash, zsh
// and fish completion scripts, and the table of verbs.
#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "src/cli_tree.hpp"
#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// Decodes one UTF-8 sequence at s[i] (advancing i); U+FFFD for a bad one.
unsigned long utf8_at(const std::string& s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  unsigned long cp = b & (0x3F >> extra);
  for (int k = 0; k < extra; ++k, ++i) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  return cp;
}

// Text for roff: backslashes and hyphens escaped, a leading dot or quote
// guarded, and anything beyond ASCII as a \[uXXXX] glyph (troff reads bytes).
std::string roff(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const char ch = s[i];
    if (static_cast<unsigned char>(ch) >= 0x80) {
      char glyph[16];
      std::snprintf(glyph, sizeof glyph, "\\[u%04lX]", utf8_at(s, i));
      out += glyph;
      continue;
    }
    ++i;
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-') {
      out += "\\-";
    } else {
      out += ch;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string option_label(const CLI::Option* o) {
  std::string label;
  if (o->get_positional()) return "<" + o->get_name() + ">";
  for (const auto& s : o->get_snames())
    label += (label.empty() ? "-" : ", -") + s;
  for (const auto& l : o->get_lnames())
    label += (label.empty() ? "--" : ", --") + l;
  // A flag expects no value (CLI11 still gives it a type size of 1).
  if (o->get_expected_max() != 0) {
    label += " " + (o->get_type_name().empty() ? std::string("VALUE") : o->get_type_name());
  }
  return label;
}

void man_options(std::ostringstream& m, const CLI::App* app) {
  for (const CLI::Option* o : app->get_options()) {
    if (o->get_name() == "--help") continue;
    m << ".TP\n.B " << roff(option_label(o)) << "\n" << roff(o->get_description()) << "\n";
  }
}

void man_commands(std::ostringstream& m, const CLI::App* app, const std::string& prefix) {
  for (const CLI::App* sub : app->get_subcommands({})) {
    const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    m << ".SS \"pgdba " << roff(path) << "\"\n" << roff(sub->get_description()) << "\n";
    if (!sub->get_subcommands({}).empty()) {
      man_commands(m, sub, path);
    } else if (!sub->get_options().empty()) {
      man_options(m, sub);
    }
  }
}

void completion_paths(const CLI::App* app, const std::string& path, std::ostringstream& cases,
                      std::vector<std::string>& known) {
  std::string words;
  for (const CLI::App* sub : app->get_subcommands({})) {
    words += sub->get_name() + " ";
    known.push_back(path + " " + sub->get_name());
  }
  for (const CLI::Option* o : app->get_options()) {
    for (const auto& l : o->get_lnames())
      words += "--" + l + " ";
  }
  cases << "    \"" << path << "\") words=\"" << words << "\" ;;\n";
  for (const CLI::App* sub : app->get_subcommands({})) {
    completion_paths(sub, path + " " + sub->get_name(), cases, known);
  }
}

// A walk over every command: `fn(app, path)` for each node below the root,
// parents first ("db", then "db list").
template <class F>
void each_command(const CLI::App* app, const std::string& prefix, F&& fn) {
  for (const CLI::App* sub : app->get_subcommands({})) {
    const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    fn(sub, path);
    each_command(sub, path, fn);
  }
}

// A string inside single quotes for zsh and fish ('it''s' in zsh, 'it\'s' in fish).
std::string zsh_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s)
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

// "name:description" for zsh's _describe, whose separator is ':'.
std::string zsh_item(const std::string& name, const std::string& description) {
  std::string n;
  for (char ch : name) {
    if (ch == ':') n += '\\';
    n += ch;
  }
  std::string d = description;
  for (auto& ch : d) {
    if (ch == '\n') ch = ' ';
  }
  return zsh_quote(n + ":" + d);
}

// The first clause of a description, for a man page's NAME line.
std::string summary(const std::string& description) {
  const std::size_t end = description.find_first_of(";:(");
  std::string out = description.substr(0, end);
  const std::size_t dot = out.find(". ");
  if (dot != std::string::npos) out.resize(dot);
  while (!out.empty() && (out.back() == ' ' || out.back() == '.' || out.back() == ','))
    out.pop_back();
  return out;
}

std::string sentence(std::string s) {
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

}  // namespace

std::string generate_noun_man_page(const std::string& noun) {
  Cli c;
  build_cli(c);
  const CLI::App* app = nullptr;
  for (const CLI::App* sub : c.app.get_subcommands({})) {
    if (sub->get_name() == noun) app = sub;
  }
  if (app == nullptr) throw usage_error("no command \"" + noun + "\"; 'pgdba --help' lists them");
  std::ostringstream m;
  const bool has_verbs = !app->get_subcommands({}).empty();
  m << ".\\\" Generated by 'pgdba completion man " << noun << "' from the command definitions; do not edit.\n"
    << ".TH PGDBA\\-" << roff(upper(noun)) << " 1 \"\" \"pgdba " << PGDBA_VERSION << "\" \"User Commands\"\n"
    << ".SH NAME\npgdba\\-" << roff(noun) << " \\- " << roff(summary(app->get_description())) << "\n"
    << ".SH SYNOPSIS\n.B pgdba\n[\\fIGLOBAL OPTIONS\\fR] " << roff(noun) << (has_verbs ? " \\fIVERB\\fR" : "")
    << " [\\fIARGS\\fR] [\\fIOPTIONS\\fR]\n"
    << ".SH DESCRIPTION\n"
    << roff(sentence(app->get_description()))
    << "\nThe global options (connection, output, safety, targets) are in\n.BR pgdba (1).\n";
  if (has_verbs) {
    m << ".SH COMMANDS\n";
    man_commands(m, app, noun);
  } else {
    m << ".SH OPTIONS\n";
    man_options(m, app);
  }
  m << ".SH EXIT STATUS\nAs in\n.BR pgdba (1):\n0 success, 1 failure, 2 usage or refused, 3 connection, 4 partial "
       "failure"
    << (noun == "check" ? "; checks exit with the Nagios codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN" : "") << ".\n"
    << ".SH SEE ALSO\n.BR pgdba (1)\n";
  return m.str();
}

std::vector<std::string> command_nouns() {
  Cli c;
  build_cli(c);
  std::vector<std::string> out;
  for (const CLI::App* sub : c.app.get_subcommands({}))
    out.push_back(sub->get_name());
  return out;
}

std::string generate_zsh_completion() {
  Cli c;
  build_cli(c);
  std::ostringstream s;
  s << "#compdef pgdba\n# zsh completion for pgdba; generated by 'pgdba completion zsh'.\n"
    << "_pgdba() {\n"
    // Not `path`: zsh ties that name to $PATH.
    << "  local cmd=\"\" w i\n"
    << "  local -a items\n"
    << "  for ((i = 2; i < CURRENT; i++)); do\n"
    << "    w=\"${words[i]}\"\n"
    << "    case \"$cmd $w\" in\n";
  each_command(&c.app, "", [&](const CLI::App*, const std::string& path) {
    s << "      " << zsh_quote(" " + path) << ") cmd=\"$cmd $w\" ;;\n";
  });
  s << "    esac\n  done\n  case \"$cmd\" in\n";
  const auto cases = [&s](const CLI::App* app, const std::string& path) {
    s << "    " << zsh_quote(path.empty() ? "" : " " + path) << ")\n      items=(\n";
    for (const CLI::App* sub : app->get_subcommands({}))
      s << "        " << zsh_item(sub->get_name(), sub->get_description()) << "\n";
    for (const CLI::Option* o : app->get_options()) {
      if (o->get_positional()) continue;
      for (const auto& l : o->get_lnames())
        s << "        " << zsh_item("--" + l, o->get_description()) << "\n";
    }
    s << "      ) ;;\n";
  };
  cases(&c.app, "");
  each_command(&c.app, "", cases);
  s << "  esac\n  _describe -t commands 'pgdba' items\n}\n"
    << "if [ \"$funcstack[1]\" = \"_pgdba\" ]; then\n  _pgdba \"$@\"\nelse\n  compdef _pgdba pgdba\nfi\n";
  return s.str();
}

std::string generate_fish_completion() {
  Cli c;
  build_cli(c);
  std::ostringstream s;
  s << "# fish completion for pgdba; generated by 'pgdba completion fish'.\n"
    << "set -g __pgdba_commands";
  each_command(&c.app, "", [&](const CLI::App*, const std::string& path) { s << " " << fish_quote(path); });
  s << "\n"
    // The command path typed so far ("db list"): the longest known prefix.
    << "function __pgdba_path\n"
    << "    set -l p ''\n"
    << "    for w in (commandline -opc)[2..-1]\n"
    << "        set -l next (string trim -- \"$p $w\")\n"
    << "        if contains -- $next $__pgdba_commands\n"
    << "            set p $next\n"
    << "        end\n"
    << "    end\n"
    << "    echo $p\n"
    << "end\n"
    << "function __pgdba_at\n"
    << "    set -l p (__pgdba_path)\n"
    << "    test \"$p\" = \"$argv[1]\"\n"
    << "end\n"
    << "complete -c pgdba -f\n";
  const auto items = [&s](const CLI::App* app, const std::string& path) {
    const std::string when = " -n " + fish_quote("__pgdba_at " + fish_quote(path));
    for (const CLI::App* sub : app->get_subcommands({}))
      s << "complete -c pgdba" << when << " -a " << fish_quote(sub->get_name()) << " -d "
        << fish_quote(sub->get_description()) << "\n";
    for (const CLI::Option* o : app->get_options()) {
      if (o->get_positional()) continue;
      s << "complete -c pgdba" << (path.empty() ? std::string() : when);
      for (const auto& l : o->get_lnames())
        s << " -l " << l;
      for (const auto& sn : o->get_snames())
        s << " -s " << sn;
      if (o->get_expected_max() != 0) s << " -r";
      s << " -d " << fish_quote(o->get_description()) << "\n";
    }
  };
  items(&c.app, "");
  each_command(&c.app, "", items);
  return s.str();
}

std::string generate_man_page() {
  Cli c;
  build_cli(c);
  std::ostringstream m;
  m << ".\\\" Generated by 'pgdba completion man' from the command definitions; do not edit.\n"
    << ".TH PGDBA 1 \"\" \"pgdba " << PGDBA_VERSION << "\" \"User Commands\"\n"
    << ".SH NAME\npgdba \\- the PostgreSQL administration tool for the command line\n"
    << ".SH SYNOPSIS\n.B pgdba\n[\\fIGLOBAL OPTIONS\\fR] \\fINOUN\\fR \\fIVERB\\fR [\\fIARGS\\fR] [\\fIOPTIONS\\fR]\n"
    << ".SH DESCRIPTION\n"
    << "pgdba does the everyday work of a PostgreSQL DBA from one binary and prints it as an aligned table "
       "for a person or as JSON, JSON lines or CSV for scripts. Global options may appear before or after "
       "the command.\n"
    << ".SH GLOBAL OPTIONS\n";
  man_options(m, &c.app);
  m << ".SH COMMANDS\n";
  man_commands(m, &c.app, "");
  m << ".SH EXAMPLES\n"
       ".TP\n.B pgdba sandbox up && eval \\(dq$(pgdba sandbox env)\\(dq\n"
       "start a throwaway cluster and point PGHOST, PGPORT and PGUSER at it\n"
       ".TP\n.B pgdba db list \\-o json\n"
       "every database with its size in bytes, as a JSON array\n"
       ".TP\n.B pgdba \\-d app sql \\-c 'select * from orders where id = $1' \\-\\-param 42\n"
       "a query with a bound parameter\n"
       ".TP\n.B pgdba \\-d app sql \\-c 'select * from big' \\-o csv > big.csv\n"
       "export any number of rows in constant memory\n"
       ".TP\n.B pgdba \\-d app sql \\-c 'insert into t values ($1, $2)' \\-\\-batch rows.csv\n"
       "insert every row of a CSV file in one transaction; a bad row names its line and nothing is kept\n"
       ".TP\n.B pgdba \\-d app sql \\-f migration.sql \\-\\-single\\-transaction\n"
       "run a script all or nothing; a failure names the statement and its line\n"
       ".TP\n.B pgdba db drop old_app \\-\\-dry\\-run\n"
       "print the SQL a destructive command would run, and run nothing\n";
  m << ".SH OUTPUT\n"
       "In JSON, integers and floats are numbers, numeric is a string unless \\-\\-numeric\\-as\\-number, "
       "booleans are booleans, NULL is null, json and jsonb are embedded, arrays are arrays, timestamps are "
       "ISO 8601 strings, bytea is \\e\\ex hex, sizes are integers in bytes and durations are seconds. "
       "jsonl and csv stream in constant memory.\n"
       ".SH EXIT STATUS\n.TP\n.B 0\nsuccess\n.TP\n.B 1\nthe operation failed\n.TP\n.B 2\n"
       "invalid usage, or a destructive command refused without \\-\\-yes\n.TP\n.B 3\n"
       "could not connect or authenticate, or the connection was lost\n.TP\n.B 4\npartial failure\n"
       ".SH ENVIRONMENT\nPGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSERVICE, PGSSLMODE, PGOPTIONS and the "
       "other libpq variables, ~/.pgpass and pg_service.conf are read by libpq. NO_COLOR turns color off.\n"
       ".SH SEE ALSO\n"
       "One page per command: \\fBpgdba\\-db\\fR(1), \\fBpgdba\\-vacuum\\fR(1), \\fBpgdba\\-check\\fR(1) and so on.\n"
       ".BR psql (1),\n.BR pg_dump (1),\n.BR vacuumdb (1)\n";
  return m.str();
}

Table verb_table() {
  Cli c;
  build_cli(c);
  static const char* needs[] = {"none", "catalog", "ddl", "user"};
  static const char* effects[] = {"read", "change", "destroy"};
  Table t("verbs",
          {Column{"verb", Kind::Text, Kind::Text}, Column{"session", Kind::Text, Kind::Text},
           Column{"effect", Kind::Text, Kind::Text}, Column{"min_server", Kind::Integer, Kind::Text},
           Column{"per_database", Kind::Boolean, Kind::Text}, Column{"required_args", Kind::Array, Kind::Text}});
  for (const auto& r : c.records) {
    std::string args = "{";
    for (std::size_t i = 0; i < r->required_args.size(); ++i)
      args += (i == 0 ? "" : ",") + r->required_args[i];
    t.add_row({r->path, std::string(needs[static_cast<int>(r->spec.session)]),
               std::string(effects[static_cast<int>(r->spec.effect)]), std::to_string(r->spec.min_server),
               std::string(r->spec.per_database ? "t" : "f"), args + "}"});
  }
  return t;
}

std::string generate_bash_completion() {
  Cli c;
  build_cli(c);
  std::ostringstream cases;
  std::vector<std::string> known;
  completion_paths(&c.app, "", cases, known);
  std::ostringstream s;
  s << "# bash completion for pgdba; generated by 'pgdba completion bash'.\n"
    << "_pgdba() {\n"
    << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" w i words=\"\"\n"
    << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
    << "    w=\"${COMP_WORDS[i]}\"\n"
    << "    case \"$path $w\" in\n";
  for (const auto& k : known)
    s << "      \"" << k << "\") path=\"$path $w\" ;;\n";
  s << "    esac\n  done\n  case \"$path\" in\n"
    << cases.str() << "  esac\n"
    << "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n"
    << "complete -F _pgdba pgdba\n";
  return s.str();
}

}  // namespace pgdba
