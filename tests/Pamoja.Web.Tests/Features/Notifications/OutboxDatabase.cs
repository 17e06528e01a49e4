using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Notifications;

/// A migrated database for the dispatcher alone: no app runs on it, so no other dispatcher
/// claims the rows these tests put there.
public sealed class OutboxDatabase : IAsyncLifetime
{
    public string ConnectionString { get; } = TestDatabase.CreateDatabase("pamoja_outbox");
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.Embedded());
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        TestDatabase.Drop(ConnectionString);
    }

    /// Runs a statement; an argument that is already an NpgsqlParameter (a typed null, jsonb) is used as it is.
    public async Task<int> ExecAsync(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(arg as NpgsqlParameter ?? new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteNonQueryAsync();
    }

    /// The named columns of one outbox row, nulls as null.
    public async Task<object?[]> OutboxRowAsync(Guid id, string columns)
    {
        await using var cmd = DataSource.CreateCommand($"SELECT {columns} FROM notification_outbox WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return values;
    }
}

/// A message sender that keeps what it was given and answers as the test says (by default:
/// accepted, with the provider id "<name>-<message id>").
public sealed class RecordingSender(string name) : IMessageSender
{
    public List<OutgoingMessage> Sent { get; } = [];
    public Func<OutgoingMessage, SendResult> Answer { get; set; } = m => SendResult.Ok(ProviderId(name, m));

    public static string ProviderId(string name, OutgoingMessage message) => name + "-" + message.Id.ToString("N");

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        lock (Sent) Sent.Add(message);
        return Task.FromResult(Answer(message));
    }
}
