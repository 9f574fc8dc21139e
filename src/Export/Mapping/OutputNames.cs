namespace Distill.Export.Mapping;

/// <summary>The exported graph's input and output names (Hugging Face's, so other tools find them).</summary>
internal static class OutputNames
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";

    public const string Logits = "logits";
    public const string StartLogits = "start_logits";
    public const string EndLogits = "end_logits";
    public const string LastHiddenState = "last_hidden_state";
    public const string PoolerOutput = "pooler_output";

    public const string Batch = "batch";
    public const string Sequence = "sequence";
}
