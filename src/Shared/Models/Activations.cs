using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Models;

/// <summary>The <c>hidden_act</c> values of Hugging Face BERT configs that this model implements.</summary>
internal static class Activations
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Known = new()
    {
        ["gelu"] = x => nn.functional.gelu(x),
        // Hugging Face's "gelu_new" and PyTorch's tanh approximation are the same formula.
        ["gelu_new"] = GeluTanh,
        ["gelu_pytorch_tanh"] = GeluTanh,
        ["relu"] = x => nn.functional.relu(x),
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static bool IsKnown(string name) => Known.ContainsKey(name);

    public static Func<Tensor, Tensor> Get(string name) =>
        Known.TryGetValue(name, out var f)
            ? f
            : throw new ConfigException($"hidden_act \"{name}\" is not supported; known: {string.Join(", ", Names)}");

    private static Tensor GeluTanh(Tensor x)
    {
        var inner = x.Plus(x.Power(3).Times(0.044715)).Times(Math.Sqrt(2.0 / Math.PI));
        return x.Times(0.5) * inner.tanh().Plus(1.0);
    }
}
