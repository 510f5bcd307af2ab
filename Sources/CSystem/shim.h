// The few GNU libc calls Swift's Glibc module does not import (they need
// _GNU_SOURCE), for ChildProcess in HeraldCore. Declared here, defined in
// glibc (pipe2 2.9, posix_spawn_file_actions_addchdir_np 2.29,
// posix_spawn_file_actions_addclosefrom_np 2.34; Debian 12 has 2.36).
#ifndef HERALD_CSYSTEM_SHIM_H
#define HERALD_CSYSTEM_SHIM_H

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__linux__)
extern int pipe2(int fds[2], int flags);
extern int mkostemp(char *path_template, int flags);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif

/// A pipe whose two ends are close-on-exec from the start, so a program
/// another thread starts meanwhile cannot inherit them.
static inline int csystem_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

/// mkstemp, close-on-exec.
static inline int csystem_temporary_file(char *path_template) {
#if defined(__linux__)
    return mkostemp(path_template, O_CLOEXEC);
#else
    int fd = mkstemp(path_template);
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#endif
}

/// The child closes every descriptor from `from` up before exec.
static inline int csystem_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
#if defined(__linux__)
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions; (void)from;
    return 0; // Darwin: POSIX_SPAWN_CLOEXEC_DEFAULT does this (set by the caller).
#endif
}

/// The child changes to `path` before exec.
static inline int csystem_spawn_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

#endif
