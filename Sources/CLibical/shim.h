#ifndef SCHEDULERD_CLIBICAL_SHIM_H
#define SCHEDULERD_CLIBICAL_SHIM_H
#include <libical/ical.h>
#endif
