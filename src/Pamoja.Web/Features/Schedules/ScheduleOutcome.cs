using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Schedules;

/// What a schedule use case hands back: a value for the caller, or a refusal with nothing written.
public abstract record ScheduleOutcome
{
    public sealed record Done(object? Value) : ScheduleOutcome;
    public sealed record Refused(int Status, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null) : ScheduleOutcome;

    public IResult ToResult(int successStatus = StatusCodes.Status200OK) => this switch
    {
        Done { Value: null } => Results.NoContent(),
        Done done => Results.Json(done.Value, statusCode: successStatus),
        Refused { Errors: { } errors } => Results.ValidationProblem(errors, title: ((Refused)this).Title),
        Refused r => ApiProblems.Status(r.Status, r.Title, r.Detail),
        _ => throw new InvalidOperationException(),
    };

    public static Refused Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", message, new Dictionary<string, string[]> { [field] = [message] });

    public static Refused Rule(string title, string detail) => new(StatusCodes.Status422UnprocessableEntity, title, detail);

    public static Refused Conflict(string title, string detail) => new(StatusCodes.Status409Conflict, title, detail);
}
