namespace Distill.Export.Quantization;

/// <summary>How int8 quantizes the activations a MatMul reads.</summary>
internal enum Int8Mode
{
    /// <summary>Scales fixed at export from calibration inputs (QDQ): a sentence gets the same answer in any batch.</summary>
    Static,

    /// <summary>Scales computed at run time over the whole input tensor: answers depend on the other sentences of the batch.</summary>
    Dynamic,
}
