package io.polysync.task.token;

import io.polysync.task.security.Role;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code api_token} table. Plain SQL: the per-request lookup must stay one indexed query. */
@Repository
public class ApiTokenStore {

    private static final String COLUMNS = "id, name, role, token_hash, created_at, last_used_at";
    private static final RowMapper<ApiToken> ROW = (rs, i) -> new ApiToken(rs.getObject("id", UUID.class),
            rs.getString("name"), Role.valueOf(rs.getString("role")), rs.getString("token_hash"),
            rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("last_used_at")));

    private final JdbcClient jdbc;

    public ApiTokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<ApiToken> findByHash(String tokenHash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE token_hash = ?").param(tokenHash)
                .query(ROW).optional();
    }

    public Optional<ApiToken> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE name = ?").param(name).query(ROW).optional();
    }

    /** Names containing {@code nameFilter}, by name. */
    public List<ApiToken> list(String nameFilter, int offset, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE name LIKE ? ORDER BY name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")
                .params(like(nameFilter), offset, limit).query(ROW).list();
    }

    public long count(String nameFilter) {
        return jdbc.sql("SELECT COUNT(*) FROM api_token WHERE name LIKE ?").param(like(nameFilter))
                .query(Long.class).single();
    }

    public long countWithRole(Role role) {
        return jdbc.sql("SELECT COUNT(*) FROM api_token WHERE role = ?").param(role.name()).query(Long.class).single();
    }

    public void insert(ApiToken token) {
        jdbc.sql("INSERT INTO api_token (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")
                .params(token.id(), token.name(), token.role().name(), token.tokenHash(),
                        Timestamp.from(token.createdAt()), token.lastUsedAt() == null ? null : Timestamp.from(token.lastUsedAt()))
                .update();
    }

    /** Gives the token named {@code name} a new value and role; answers whether it existed. */
    public boolean replace(String name, Role role, String tokenHash) {
        return jdbc.sql("UPDATE api_token SET role = ?, token_hash = ? WHERE name = ?")
                .params(role.name(), tokenHash, name).update() == 1;
    }

    public boolean delete(String name) {
        return jdbc.sql("DELETE FROM api_token WHERE name = ?").param(name).update() == 1;
    }

    public void touch(UUID id, Instant at) {
        jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?").params(Timestamp.from(at), id).update();
    }

    private static String like(String nameFilter) {
        String plain = nameFilter == null ? "" : nameFilter.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + plain + "%";
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
