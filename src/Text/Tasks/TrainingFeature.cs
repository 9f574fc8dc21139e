using Distill.Features;
using Distill.Tokenization;

namespace Distill.Tasks;

/// <summary>
/// One model input and its training labels. Labels per task: classification [label id]; tagging one label per
/// token (<see cref="TaggingFeatures.IgnoreLabel"/> where no loss applies); QA [start position, end position].
/// <see cref="ExampleId"/> is the source example's id; QA windows of one example share it, and
/// <see cref="FeatureId"/> tells them apart (the cache keys on it).
/// </summary>
/// <param name="ExampleId">the source example's id, shared by the QA windows of one example</param>
/// <param name="FeatureId">this input's own id (the teacher cache keys its rows on it)</param>
/// <param name="Text">the encoded input: ids, segments and character offsets</param>
/// <param name="Labels">the training labels, per task as described above</param>
public sealed record TrainingFeature(string ExampleId, string FeatureId, TokenizedText Text, int[] Labels);
