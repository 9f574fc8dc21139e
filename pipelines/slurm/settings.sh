# Paths and sizes of the Slurm chain (sourced by submit.sh; source it yourself to submit one stage alone).
# Every value can be set in the environment before sourcing; the jobs get them through sbatch's --export=ALL.
# Paths must be on a file system that every node sees.
distill_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

: "${BIN:=$distill_repo/artifacts/bin}"                         # cache-teacher, distill-student, export-onnx
: "${THREADS:=1}"                                                # CPU threads per job (= --cpus-per-task)

# Inputs
: "${TASK:=classification}"
: "${TEACHER:=$distill_repo/pipelines/.runs/teachers/polarity/best}"  # a fine-tuned teacher directory
: "${TRAIN:=$distill_repo/pipelines/.data/polarity/train.csv}"
: "${DEV:=$distill_repo/pipelines/.data/polarity/dev.csv}"
: "${DISTILL_CONFIG:=$distill_repo/pipelines/configs/distill-L2.json}"  # its intermediate_matches choose the cached layers

# Outputs, one folder per stage
: "${WORK:=$distill_repo/pipelines/.runs/slurm}"
: "${CACHE:=$WORK/cache}"                  # cache-shard.sbatch (part-NNNNN.parquet, one manifest per job), merge.sbatch (manifest.json)
: "${STUDENT_INIT:=$WORK/student-init}"    # distill.sbatch: the student before distillation
: "${STUDENT_RUN:=$WORK/student}"          # distill.sbatch: checkpoints, metrics.jsonl, best/
: "${ONNX:=$WORK/onnx/student.onnx}"       # export.sbatch
: "${LOGS:=$WORK/logs}"                    # one log per job (and per array task)

# Sizes
: "${NUM_SHARDS:=3}"           # array tasks caching the data
: "${ROWS_PER_SHARD:=500}"     # rows per Parquet shard; shard k goes to task k mod NUM_SHARDS
: "${MAX_SEQ_LENGTH:=64}"
: "${BATCH_SIZE:=32}"
: "${STUDENT_LAYERS:=0,3}"     # teacher layers copied into the student (init-student --layers)
: "${EPOCHS:=3}"
: "${LR:=1e-4}"
: "${SEED:=42}"

# Slurm resources; SBATCH_EXTRA takes anything else (e.g. "--partition=cpu --account=nlp")
: "${CACHE_TIME:=01:00:00}"
: "${DISTILL_TIME:=04:00:00}"
: "${SBATCH_EXTRA:=}"

export BIN THREADS TASK TEACHER TRAIN DEV DISTILL_CONFIG WORK CACHE STUDENT_INIT STUDENT_RUN ONNX LOGS \
  NUM_SHARDS ROWS_PER_SHARD MAX_SEQ_LENGTH BATCH_SIZE STUDENT_LAYERS EPOCHS LR SEED CACHE_TIME DISTILL_TIME SBATCH_EXTRA
unset distill_repo
