import { Breadcrumb, BreadcrumbButton, BreadcrumbDivider, BreadcrumbItem, Text, makeStyles, tokens } from '@fluentui/react-components';
import { Fragment, useEffect, type ReactNode } from 'react';
import { onLinkClick } from '../navigation.js';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalXXL}`,
    minWidth: 0,
  },
  titleRow: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  subtitle: { color: tokens.colorNeutralForeground3 },
  commands: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    paddingBottom: tokens.spacingVerticalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
});

export interface Crumb {
  label: string;
  to?: string;
}

/** A page of the admin center: breadcrumb, title (also the document title), command bar, content. */
export function Page(props: { title: string; subtitle?: string; crumbs?: Crumb[]; commands?: ReactNode; children: ReactNode }) {
  const s = useStyles();
  useEffect(() => {
    document.title = `${props.title} - Appwarden admin center`;
  }, [props.title]);
  return (
    <section className={s.root} aria-labelledby="page-title">
      {props.crumbs && props.crumbs.length > 0 ? (
        <Breadcrumb aria-label="Breadcrumb" size="small">
          {props.crumbs.map((c, i) => (
            <Fragment key={c.label + i}>
              <BreadcrumbItem>
                {c.to ? (
                  <BreadcrumbButton href={c.to} onClick={onLinkClick(c.to)}>
                    {c.label}
                  </BreadcrumbButton>
                ) : (
                  <Text size={200} aria-current="page">
                    {c.label}
                  </Text>
                )}
              </BreadcrumbItem>
              {i < props.crumbs!.length - 1 ? <BreadcrumbDivider /> : null}
            </Fragment>
          ))}
        </Breadcrumb>
      ) : null}
      <div className={s.titleRow}>
        <Text as="h1" id="page-title" size={700} weight="semibold">
          {props.title}
        </Text>
        {props.subtitle ? <Text className={s.subtitle}>{props.subtitle}</Text> : null}
      </div>
      {props.commands ? (
        <div className={s.commands} role="toolbar" aria-label="Commands">
          {props.commands}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}
