/*
 * Times commands in interleaved rounds (scripts/bench-peers builds and runs it).
 *
 * Every round runs each command once, forwards in even rounds and backwards in odd ones, so
 * that a machine that speeds up or slows down while it is measured moves every command alike.
 * hyperfine times all runs of one command before the next; on a shared two-core machine
 * `age -d` drifted by 1.5 ms between two such blocks, and a ratio of medians taken a minute
 * apart measured the machine as much as the commands.
 *
 *   interleave ROUNDS WARMUP PREPARE JSON NAME CMD [NAME CMD ...]
 *
 * PREPARE ("-" for none) runs through sh before every timed run and is not timed. CMD is split
 * at spaces (no quoting: bench-peers's commands have none) and started with posix_spawn, its
 * stdin and stdout /dev/null; its stderr goes to JSON.err. A command that fails stops the
 * measurement (exit 1). The start costs about what hyperfine's do (0.7 ms for /bin/true
 * here; a Python timer added 0.35 ms to every command, which pulls every ratio towards 1).
 * JSON gets hyperfine's shape for what bench-peers reads: results[].command (NAME), median
 * and mean in seconds, and the times.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

struct command {
    const char *name;
    char *argv[64];
    double *times;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fail(const char *message, const char *detail) {
    fprintf(stderr, "interleave: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void split(char *line, char **argv, const char *name) {
    int count = 0;
    for (char *word = strtok(line, " "); word; word = strtok(NULL, " ")) {
        if (count == 63) fail("too many words in the command of", name);
        argv[count++] = word;
    }
    if (count == 0) fail("an empty command for", name);
    argv[count] = NULL;
}

static double run_once(struct command *command, const char *prepare, const char *errors) {
    if (prepare) {
        int status = system(prepare);
        if (status != 0) fail("the prepare command failed before", command->name);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0644);
    double start = now();
    pid_t pid;
    int error = posix_spawnp(&pid, command->argv[0], &actions, NULL, command->argv, environ);
    if (error != 0) fail(strerror(error), command->argv[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) fail("waitpid", strerror(errno));
    }
    double elapsed = now() - start;
    posix_spawn_file_actions_destroy(&actions);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "interleave: %s failed (its stderr is in %s)\n", command->name, errors);
        exit(1);
    }
    return elapsed;
}

int main(int argc, char **argv) {
    if (argc < 7 || (argc - 5) % 2 != 0) {
        fprintf(stderr, "usage: interleave ROUNDS WARMUP PREPARE|- JSON NAME CMD [NAME CMD ...]\n");
        return 2;
    }
    int rounds = atoi(argv[1]), warmup = atoi(argv[2]);
    if (rounds < 1 || warmup < 0) {
        fprintf(stderr, "interleave: ROUNDS must be at least 1 and WARMUP at least 0\n");
        return 2;
    }
    const char *prepare = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
    const char *json = argv[4];
    char errors[4096];
    snprintf(errors, sizeof errors, "%s.err", json);
    int count = (argc - 5) / 2;
    struct command *commands = calloc((size_t)count, sizeof *commands);
    for (int i = 0; i < count; i++) {
        commands[i].name = argv[5 + 2 * i];
        split(argv[6 + 2 * i], commands[i].argv, commands[i].name);
        commands[i].times = calloc((size_t)rounds, sizeof(double));
    }
    for (int round = 0; round < warmup + rounds; round++) {
        for (int k = 0; k < count; k++) {
            struct command *command = &commands[round % 2 == 0 ? k : count - 1 - k];
            double elapsed = run_once(command, prepare, errors);
            if (round >= warmup) command->times[round - warmup] = elapsed;
        }
    }
    FILE *out = fopen(json, "w");
    if (!out) fail("cannot write", json);
    fprintf(out, "{\"interleaved_rounds\": %d, \"results\": [", rounds);
    for (int i = 0; i < count; i++) {
        struct command *command = &commands[i];
        double mean = 0;
        for (int r = 0; r < rounds; r++) mean += command->times[r] / rounds;
        fprintf(out, "%s\n {\"command\": \"%s\", \"mean\": %.9f, \"times\": [", i ? "," : "", command->name, mean);
        for (int r = 0; r < rounds; r++) fprintf(out, "%s%.9f", r ? ", " : "", command->times[r]);
        qsort(command->times, (size_t)rounds, sizeof(double), ascending);
        double median = rounds % 2 ? command->times[rounds / 2]
                                   : (command->times[rounds / 2 - 1] + command->times[rounds / 2]) / 2;
        fprintf(out, "], \"median\": %.9f}", median);
        printf("%14s  median %8.2f ms  (%d rounds)\n", command->name, median * 1000, rounds);
    }
    fprintf(out, "\n]}\n");
    if (fclose(out) != 0) fail("cannot write", json);
    return 0;
}
