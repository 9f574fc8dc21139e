using System.Text.Json.Serialization;

namespace Distill.Cache;

/// <summary>How hidden states, attentions and the pooled output are stored; logits are always float32.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CacheDType>))]
public enum CacheDType
{
    /// <summary>IEEE half precision (<see cref="Half"/>): 2 bytes, 11 significant bits, range ±65504.</summary>
    [JsonStringEnumMemberName("fp16")] Fp16,

    /// <summary>bfloat16: the upper half of a float32, 2 bytes, 8 significant bits, float32's range.</summary>
    [JsonStringEnumMemberName("bf16")] Bf16,

    /// <summary>float32, stored exactly.</summary>
    [JsonStringEnumMemberName("fp32")] Fp32,
}
