// job cron and job systemd (scheduler.cpp), registered under the job noun.
#pragma once

#include "src/command.hpp"

namespace pgdba {

void register_job_schedulers(Noun& job);

}  // namespace pgdba
