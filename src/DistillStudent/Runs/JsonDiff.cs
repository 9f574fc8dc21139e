using System.Text.Json.Nodes;

namespace Distill.DistillStudent.Runs;

/// <summary>Where two JSON documents differ, as paths (<c>training.learning_rate</c>, <c>matches[2].loss</c>).</summary>
internal static class JsonDiff
{
    public static IReadOnlyList<string> Paths(JsonNode? before, JsonNode? after)
    {
        var paths = new List<string>();
        Walk(before, after, "", paths);
        return paths;
    }

    private static void Walk(JsonNode? a, JsonNode? b, string path, List<string> paths)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                // A field written as null and a field left out mean the same.
                Walk(oa[key], ob[key], path.Length == 0 ? key : $"{path}.{key}", paths);
            }
        }
        else if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
        {
            for (var i = 0; i < aa.Count; i++) Walk(aa[i], ab[i], $"{path}[{i}]", paths);
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            paths.Add(path.Length == 0 ? "(document)" : path);
        }
    }
}
