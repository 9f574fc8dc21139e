namespace Distill.DistillStudent.Students;

/// <summary>A student's own vocab.txt, its token count and how many of its word-embedding rows are the teacher's.</summary>
internal sealed record VocabularyCopy(string Path, int Size, int RowsCopied);
