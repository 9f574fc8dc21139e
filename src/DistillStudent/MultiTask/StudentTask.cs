using Distill.DistillStudent.Configuration;
using Distill.Tasks;

namespace Distill.DistillStudent.MultiTask;

/// <summary>One task of a <see cref="MultiTaskStudent"/>: its name, training config (kind, data settings) and data.</summary>
internal sealed record StudentTask(string Name, TrainingConfig Config, ITaskData Train, ITaskData? Dev);
