package io.polysync.task.jobtype;

import io.polysync.model.jobtype.JobType;
import io.polysync.model.jobtype.JobTypeCatalog;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** The built-in Job Types: what a job may be, on which platform types, with which parameters and outputs. */
@RestController
public class JobTypeController {

    /** One catalog entry; {@code platformTypes} empty means any platform type. */
    public record JobTypeView(String name, String description, List<String> platformTypes,
                              Map<String, Object> parameterSchema, List<String> outputs) {

        static JobTypeView of(JobType type) {
            return new JobTypeView(type.name(), type.description(), type.platformTypes().stream().sorted().toList(),
                    type.parameterSchema(), type.outputs());
        }
    }

    private final JobTypeCatalog catalog;

    public JobTypeController(JobTypeCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/v1/job-types")
    List<JobTypeView> list() {
        return catalog.all().stream().map(JobTypeView::of).toList();
    }
}
