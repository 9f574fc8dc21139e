using Distill.Data;
using Distill.Features;
using Distill.Tasks;
using Distill.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Distill.Inference;

/// <summary>
/// An exported student served through ONNX Runtime, without LibTorch: the tokenizer from the <c>vocab.txt</c>
/// beside the model, the task, labels and tokenizer settings from its metadata (<see cref="OnnxModelMetadata"/>),
/// and the post-processing of classes, word tags and answer spans that <c>distill-student eval</c> uses.
/// </summary>
public sealed class OnnxStudent : IDisposable
{
    private readonly InferenceSession session;
    private readonly string source;
    private readonly bool takesTokenTypes;
    private readonly OnnxStudentOptions options;
    private readonly TaskKind task;

    private OnnxStudent(InferenceSession session, string source, OnnxModelMetadata metadata, WordPieceEncoder tokenizer, string provider, OnnxStudentOptions options)
    {
        this.session = session;
        this.source = source;
        this.options = options;
        Metadata = metadata;
        task = metadata.Task ?? throw new OnnxModelException(
            $"{source}: a plain encoder (metadata task \"{OnnxModelMetadata.EncoderTask}\") has no head to classify, tag or answer with; export a model with its task head");
        Tokenizer = tokenizer;
        Provider = provider;
        var inputs = session.InputMetadata.Keys.ToHashSet();
        var missing = new[] { OnnxModelMetadata.InputIds, OnnxModelMetadata.AttentionMask }.Where(n => !inputs.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw new OnnxModelException(
                $"{source}: no input {string.Join(", ", missing.Select(n => $"\"{n}\""))} (expected {OnnxModelMetadata.InputIds}, {OnnxModelMetadata.AttentionMask} and optionally {OnnxModelMetadata.TokenTypeIds}; found {string.Join(", ", inputs)})");
        }
        takesTokenTypes = inputs.Contains(OnnxModelMetadata.TokenTypeIds);
        foreach (var (name, rank) in Outputs)
        {
            if (!session.OutputMetadata.TryGetValue(name, out var output))
            {
                throw new OnnxModelException($"{source}: no output \"{name}\", which a {task.Name()} model has (found {string.Join(", ", session.OutputMetadata.Keys)})");
            }
            if (output.Dimensions.Length != rank)
            {
                throw new OnnxModelException($"{source}: output \"{name}\" has {output.Dimensions.Length} dimensions: expected {rank} for a {task.Name()} model");
            }
        }
    }

    /// <summary>Task, labels and tokenizer settings read from the model.</summary>
    public OnnxModelMetadata Metadata { get; }

    /// <summary>The model's tokenizer, set up as the metadata says.</summary>
    public WordPieceEncoder Tokenizer { get; }

    /// <summary>The execution provider: <see cref="OnnxSessionFactory.Cuda"/> or <see cref="OnnxSessionFactory.Cpu"/>.</summary>
    public string Provider { get; }

    /// <summary>
    /// Opens an exported student: an export directory (<see cref="ExportLayout"/>) or an .onnx file, with
    /// <c>vocab.txt</c> beside it or, for <c>onnx/model.onnx</c>, in the directory above.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model or its vocabulary is missing.</exception>
    /// <exception cref="OnnxModelException">The file is not a loadable ONNX model, or lacks an input, output or metadata entry.</exception>
    public static OnnxStudent Load(string path, OnnxStudentOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxStudentOptions();
        var onnxPath = ExportLayout.ResolveModel(path);
        var session = OnnxSessionFactory.Open(onnxPath, options.Threads, options.PreferCuda, options.Log, out var provider);
        try
        {
            var metadata = OnnxModelMetadata.FromProperties(session.ModelMetadata.CustomMetadataMap, onnxPath);
            var vocab = Path.Combine(ExportLayout.FilesDirectory(onnxPath), OnnxModelMetadata.VocabFile);
            var tokenizer = WordPieceEncoder.FromVocabFile(vocab, new WordPieceOptions { LowerCase = metadata.LowerCase, StripAccents = metadata.StripAccents });
            return new OnnxStudent(session, onnxPath, metadata, tokenizer, provider, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Classifies a text, or a pair of texts.</summary>
    public ClassPrediction Classify(string text, string? pair = null)
    {
        Require(TaskKind.Classification);
        var logits = Logits([Tokenizer.Encode(text, pair, Metadata.MaxSeqLength)])[0];
        return ClassPrediction.FromLogits(logits, Metadata.Labels);
    }

    /// <summary>One tag per word; words cut by truncation (or with no word piece) get the first label.</summary>
    public IReadOnlyList<string> Tag(IReadOnlyList<string> words)
    {
        Require(TaskKind.Tagging);
        var feature = TaggingFeatures.Encode(Tokenizer, words, tagIds: null, Metadata.MaxSeqLength);
        return TaggingFeatures.WordTags(feature, Logits([feature.Text])[0], Metadata.Labels);
    }

    /// <summary>The best answer span in <paramref name="context"/>, over every window of it; <see cref="QaPrediction.None"/> when none fits.</summary>
    public QaPrediction Answer(string question, string context)
    {
        Require(TaskKind.Qa);
        var windows = QaFeatures.Windows(Tokenizer, new QaExample("question", question, context, []), Metadata.MaxSeqLength, options.DocStride, options.MaxQueryLength);
        return QaPostprocess.BestAnswer(context, windows, Logits(windows.Select(w => w.Text).ToList()));
    }

    /// <summary>
    /// Reads a labelled data file of the model's task as <c>distill-student eval</c> does (same readers, the model's
    /// labels and lengths), ready for <see cref="Evaluate"/>.
    /// </summary>
    public ITaskData LoadData(string path, DataReadOptions? readOptions = null)
    {
        var settings = new TaskDataSettings(Metadata.MaxSeqLength, readOptions ?? new DataReadOptions(), options.DocStride, options.MaxQueryLength);
        return TaskDataLoader.Load(task, path, Tokenizer, task == TaskKind.Qa ? null : Metadata.Labels, settings);
    }

    /// <summary>Predictions and metrics on <paramref name="data"/>, scored by the same code as <c>distill-student eval</c>.</summary>
    /// <param name="data">from <see cref="LoadData"/></param>
    /// <param name="batchSize">inputs per ONNX Runtime call</param>
    /// <param name="withLogits">also put each prediction's unrounded logits in it (<see cref="PredictionLogits"/>; classification and tagging)</param>
    public EvaluationResult Evaluate(ITaskData data, int batchSize = 32, bool withLogits = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var logits = Logits(data.Features.Select(f => f.Text).ToList(), batchSize);
        var result = data.Score(logits);
        if (withLogits) PredictionLogits.Attach(data, result, logits);
        return result;
    }

    /// <summary>
    /// Runs the model over <paramref name="inputs"/> in batches of similar length. Per input, in input order, its
    /// logits over real tokens only, flattened: classification (labels); tagging (T × labels); QA (T × 2: start, end),
    /// the layout <c>ITaskData.Score</c> takes.
    /// </summary>
    public float[][] Logits(IReadOnlyList<TokenizedText> inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var results = new float[inputs.Count][];
        // Sorting by length wastes no compute on padding; results go back to their input positions.
        var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i].Length).ToArray();
        foreach (var chunk in order.Chunk(batchSize))
        {
            var batch = PaddedTokens.Pad(chunk.Select(i => inputs[i]).ToList(), Tokenizer.PadId);
            var outputs = Run(batch);
            for (var row = 0; row < chunk.Length; row++) results[chunk[row]] = RowLogits(outputs, batch, row, inputs[chunk[row]].Length);
        }
        return results;
    }

    /// <summary>Releases the ONNX Runtime session and its native memory; the student cannot run afterwards.</summary>
    public void Dispose() => session.Dispose();

    private (string Name, int Rank)[] Outputs => task switch
    {
        TaskKind.Classification => [(OnnxModelMetadata.Logits, 2)],
        TaskKind.Tagging => [(OnnxModelMetadata.Logits, 3)],
        _ => [(OnnxModelMetadata.StartLogits, 2), (OnnxModelMetadata.EndLogits, 2)],
    };

    private List<float[]> Run(PaddedTokens batch)
    {
        long[] shape = [batch.Size, batch.Length];
        var names = new List<string> { OnnxModelMetadata.InputIds, OnnxModelMetadata.AttentionMask };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(batch.Ids, shape), OrtValue.CreateTensorValueFromMemory(batch.Mask, shape) };
        if (takesTokenTypes)
        {
            names.Add(OnnxModelMetadata.TokenTypeIds);
            values.Add(OrtValue.CreateTensorValueFromMemory(batch.Types, shape));
        }
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, Outputs.Select(o => o.Name).ToList());
            var result = new List<float[]>(outputs.Count);
            foreach (var (output, (name, _)) in outputs.Zip(Outputs))
            {
                var actual = output.GetTensorTypeAndShape().Shape;
                long[] expected = task switch
                {
                    TaskKind.Classification => [batch.Size, Metadata.Labels.Count],
                    TaskKind.Tagging => [batch.Size, batch.Length, Metadata.Labels.Count],
                    _ => [batch.Size, batch.Length],
                };
                if (!actual.SequenceEqual(expected))
                {
                    throw new OnnxModelException($"{source}: output \"{name}\" has shape [{string.Join(", ", actual)}]: expected [{string.Join(", ", expected)}] (batch, sequence, {Metadata.Labels.Count} labels in id2label)");
                }
                result.Add(output.GetTensorDataAsSpan<float>().ToArray());
            }
            return result;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private float[] RowLogits(List<float[]> outputs, PaddedTokens batch, int row, int tokens)
    {
        var labels = Metadata.Labels.Count;
        switch (task)
        {
            case TaskKind.Classification:
                return outputs[0].AsSpan(row * labels, labels).ToArray();
            case TaskKind.Tagging:
                return outputs[0].AsSpan(row * batch.Length * labels, tokens * labels).ToArray();
            default:
                var pairs = new float[tokens * 2];
                for (var t = 0; t < tokens; t++)
                {
                    pairs[2 * t] = outputs[0][row * batch.Length + t];
                    pairs[2 * t + 1] = outputs[1][row * batch.Length + t];
                }
                return pairs;
        }
    }

    private void Require(TaskKind kind)
    {
        if (task != kind)
        {
            throw new OnnxModelException($"{source} is a {task.Name()} model: {kind.Name()} needs a {kind.Name()} model");
        }
    }
}
