package io.polysync.task.user;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Users as Spring Security sees them, for HTTP Basic on the API (and the UI's form login later). */
@Component
public class UserAccounts implements UserDetailsService {

    private final UserStore users;

    public UserAccounts(UserStore users) {
        this.users = users;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        User user = users.find(username).orElseThrow(() -> new UsernameNotFoundException("no such user"));
        return org.springframework.security.core.userdetails.User.withUsername(user.username())
                .password(user.passwordHash()).authorities(user.role().grantedAuthorities()).build();
    }
}
