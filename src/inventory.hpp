// The fleet's inventory: the services of libpq's pg_service.conf files.
//
// libpq connects to a service by itself ("service=NAME" in the conninfo), so
// pgdba never copies connection parameters out of these files; it reads them
// only because libpq cannot list the services it knows. The reading follows
// libpq 15 (src/interfaces/libpq/fe-connect.c, parseServiceInfo and
// parseServiceFile) so that the list holds exactly the names libpq would
// accept, and a line libpq would reject becomes a warning here instead of a
// surprise at connection time.
//
// Which files, in libpq's order:
//   1. the user file: $PGSERVICEFILE if set, else ~/.pg_service.conf, where ~
//      is $HOME when set and not empty, else the passwd entry of the
//      effective user (libpq 15 prefers $HOME; checked with Debian's 15.18);
//   2. the system file: $PGSYSCONFDIR/pg_service.conf if PGSYSCONFDIR is set,
//      else <sysconfdir>/pg_service.conf with libpq's compiled-in sysconfdir.
//      Debian's libpq5 is built with sysconfdir=/etc/postgresql-common (the
//      library holds that string next to "%s/pg_service.conf", and
//      `pg_config --sysconfdir` prints it), so the system file is
//      /etc/postgresql-common/pg_service.conf, not /etc/pg_service.conf.
//      A build for another libpq passes -DPGDBA_PG_SYSCONFDIR="...".
// A service in the user file hides one of the same name in the system file
// entirely (libpq stops at the first file that defines it: no merging).
#pragma once

#include <string>
#include <vector>

namespace pgdba {

// One service. The four keys are copied for display only ("" when the
// section does not set them); the password and every other key are never
// kept.
struct Target {
  std::string name;
  std::string file;  // the service file that defines it
  int line = 0;      // the line of its [name] header
  std::string host;
  std::string port;
  std::string dbname;
  std::string user;
};

struct ServiceFile {
  enum class State { Missing, Read, Unreadable };
  std::string path;    // "" when no home directory could be found
  std::string origin;  // how the path was chosen: "PGSERVICEFILE", "home", "PGSYSCONFDIR", "built-in"
  State state = State::Missing;
};

struct Inventory {
  // The user file's services in file order, then the system file's services
  // that the user file does not define, in file order.
  std::vector<Target> services;
  std::vector<ServiceFile> files;  // the user file, then the system file
  // One line per problem, "FILE:LINE: what libpq will do about it". Never
  // holds a value from the file (it could be a password), only key names.
  std::vector<std::string> warnings;

  // The service called `name`, or nullptr.
  const Target* find(const std::string& name) const;
};

// The user and system service file paths libpq would use now (reads the
// environment and the passwd entry, touches no file). State is Missing.
std::vector<ServiceFile> service_files();

// Reads the given files (as from service_files()). Never throws for the
// files' contents or absence: a missing file has no services, an unreadable
// one or a malformed line adds a warning. Throws only std::bad_alloc.
Inventory read_inventory(std::vector<ServiceFile> files);

// read_inventory(service_files()): the services libpq knows right now.
Inventory list_services();

// $HOME when set and not empty, else the passwd entry of the effective user,
// else "" (the home directory libpq 15 uses).
std::string home_directory();

}  // namespace pgdba
