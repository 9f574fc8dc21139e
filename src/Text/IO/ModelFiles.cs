namespace Distill.IO;

/// <summary>
/// The file names of a Hugging Face model directory, here without LibTorch so that the cache format can hash a
/// teacher's files (<c>ModelDirectory</c> in Distill.Shared loads them).
/// </summary>
internal static class ModelFiles
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string VocabFile = "vocab.txt";
}
