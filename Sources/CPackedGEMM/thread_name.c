/* Names the calling thread (spfflow's worker threads), as ps, top and gdb show it. */
#define _GNU_SOURCE
#include "thread_name.h"

#include <pthread.h>
#include <string.h>

void spf_set_thread_name(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof short_name - 1);
    short_name[sizeof short_name - 1] = '\0';
    pthread_setname_np(pthread_self(), short_name);
}
