/* Thread names for spfflow's worker threads (TensorCore's WorkerPool). */
#ifndef SPF_THREAD_NAME_H
#define SPF_THREAD_NAME_H

/* Names the calling thread `name`, cut to the 15 characters Linux keeps. */
void spf_set_thread_name(const char *name);

#endif
