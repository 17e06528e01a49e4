using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Pamoja.Web.Features.Ledger.Pages;

/// What a money use case answered, read back from the IResult it returns for the API: a 201
/// with its JSON body (a first answer or a replay of one), or a problem with its detail and,
/// for a 400, the errors per field. (Pages need the outcome, not an HTTP response; until the
/// use cases offer a page-friendly overload, this reads the few result types they produce.)
public sealed record MoneyResult(int Status, string? Body, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public bool Created => Status is StatusCodes.Status201Created or StatusCodes.Status202Accepted && Body is not null;

    public T Read<T>() => JsonSerializer.Deserialize<T>(Body!, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException("The use case answered 201 without a body.");

    /// Every message of the problem, field errors first, else the detail or title.
    public IEnumerable<string> Messages() =>
        Errors.Count > 0 ? Errors.SelectMany(e => e.Value) : [Detail ?? Title ?? "That did not work."];

    public static MoneyResult From(IResult result) => result switch
    {
        ContentHttpResult content => new(content.StatusCode ?? StatusCodes.Status200OK, content.ResponseContent, null, null, NoErrors),
        ProblemHttpResult problem => FromProblem(problem.StatusCode, problem.ProblemDetails),
        ValidationProblem validation => FromProblem(validation.StatusCode, validation.ProblemDetails),
        _ => throw new InvalidOperationException($"A money use case answered with {result.GetType().Name}, which the pages cannot read."),
    };

    private static MoneyResult FromProblem(int status, Microsoft.AspNetCore.Mvc.ProblemDetails details) =>
        new(status, null, details.Title, details.Detail,
            details is HttpValidationProblemDetails { Errors.Count: > 0 } v ? v.Errors.ToDictionary() : NoErrors);
}
