/* bench/c/transport-ref.c: the C reference for bench/transport.ts, run on 2 ranks: the same
 * latency, send-bandwidth and one-sided-get measurements that graft's transport makes, written
 * directly against MPI. Its figures are the limit of the machine. Prints one figure per line:
 *   latency_us <half round trip of 8 bytes>
 *   send <bytes> <GiB/s>
 *   get <bytes> <GiB/s>
 * Usage: mpirun -n 2 transport-ref [quick] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (64u << 20)
static const size_t kSizes[] = {4u << 10, 64u << 10, 1u << 20, 16u << 20, 64u << 20};

static size_t repetitions(size_t size, size_t total) {
  size_t n = total / size;
  return n < 4 ? 4 : n;
}

static size_t warmup(size_t rounds) { return rounds; }

int main(int argc, char** argv) {
  int rank, quick = argc > 1 && strcmp(argv[1], "quick") == 0;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int peer = 1 - rank;
  size_t total = quick ? (512u << 20) : (2048u << 20);
  void* buffer;
  /* Page-aligned, as graft's receive buffers are. */
  if (posix_memalign(&buffer, 4096, MAX_SIZE) != 0) MPI_Abort(MPI_COMM_WORLD, 1);
  memset(buffer, rank + 1, MAX_SIZE);
  char ack = 0;

  /* Latency: 8-byte ping-pong, half the round trip. */
  int iterations = quick ? 5000 : 20000;
  for (int pass = 0; pass < 2; pass++) { /* the first pass warms up */
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    for (int i = 0; i < iterations; i++) {
      if (rank == 0) {
        MPI_Send(buffer, 8, MPI_BYTE, peer, 1, MPI_COMM_WORLD);
        MPI_Recv(buffer, 8, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        MPI_Recv(buffer, 8, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(buffer, 8, MPI_BYTE, peer, 1, MPI_COMM_WORLD);
      }
    }
    if (rank == 0 && pass == 1) printf("latency_us %.3f\n", (MPI_Wtime() - start) * 1e6 / (2.0 * iterations));
  }

  /* Send bandwidth: a window of messages, then a one-byte acknowledgement. */
  MPI_Request requests[16];
  for (size_t s = 0; s < sizeof kSizes / sizeof kSizes[0]; s++) {
    size_t size = kSizes[s];
    int window = size >= (16u << 20) ? 2 : 16;
    size_t rounds = repetitions(size * window, total);
    double start = 0;
    /* A full untimed pass warms up first, as in graft's measurement. */
    for (size_t r = 0; r < warmup(rounds) + rounds; r++) {
      if (r == warmup(rounds)) {
        MPI_Barrier(MPI_COMM_WORLD);
        start = MPI_Wtime();
      }
      for (int w = 0; w < window; w++) {
        if (rank == 0) MPI_Isend(buffer, (int)size, MPI_BYTE, peer, 2, MPI_COMM_WORLD, &requests[w]);
        else MPI_Irecv(buffer, (int)size, MPI_BYTE, peer, 2, MPI_COMM_WORLD, &requests[w]);
      }
      MPI_Waitall(window, requests, MPI_STATUSES_IGNORE);
      if (rank == 0) MPI_Recv(&ack, 1, MPI_BYTE, peer, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      else MPI_Send(&ack, 1, MPI_BYTE, peer, 3, MPI_COMM_WORLD);
    }
    double seconds = MPI_Wtime() - start;
    if (rank == 0) printf("send %zu %.3f\n", size, (double)size * window * rounds / seconds / (1u << 30));
  }

  /* One-sided get: rank 0 reads rank 1's memory, one read at a time (passive target). */
  MPI_Win win;
  MPI_Win_create(buffer, MAX_SIZE, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
  void* target;
  if (posix_memalign(&target, 4096, MAX_SIZE) != 0) MPI_Abort(MPI_COMM_WORLD, 1);
  memset(target, 0, MAX_SIZE);
  for (size_t s = 0; s < sizeof kSizes / sizeof kSizes[0]; s++) {
    size_t size = kSizes[s];
    size_t rounds = repetitions(size, total);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
      MPI_Win_lock(MPI_LOCK_SHARED, peer, 0, win);
      double start = 0;
      for (size_t r = 0; r < warmup(rounds) + rounds; r++) {
        if (r == warmup(rounds)) start = MPI_Wtime();
        MPI_Get(target, (int)size, MPI_BYTE, peer, 0, (int)size, MPI_BYTE, win);
        MPI_Win_flush(peer, win);
      }
      double seconds = MPI_Wtime() - start;
      MPI_Win_unlock(peer, win);
      printf("get %zu %.3f\n", size, (double)size * rounds / seconds / (1u << 30));
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  MPI_Win_free(&win);
  free(target);
  free(buffer);
  MPI_Finalize();
  return 0;
}
